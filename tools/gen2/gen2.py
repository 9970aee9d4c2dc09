#!/usr/bin/env python3
"""Second, independent generator of export declarations (text PDFs).

  tools/gen2/gen2.py --out DIR [--count N] [--seed S] [--chromium PATH]

Writes DIR/g2_SSSS_NNN.pdf printed by headless Chromium from the HTML of
layout.py, and beside each its ground truth g2_SSSS_NNN.json in the schema of
tests/fixtures/declaration.schema.json. Same seed, same documents (up to the
fonts installed). tools/gen2/scan2.py turns them into image-only scans."""
import argparse, json, os, random, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import content, layout  # noqa: E402

CHROMIUM_TIMEOUT_S = 120


def print_pdf(chromium, html_text, pdf):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "doc.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(html_text)
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        "--user-data-dir=" + os.path.join(tmp, "profile"), "--print-to-pdf=" + pdf, src],
                       check=True, capture_output=True, timeout=CHROMIUM_TIMEOUT_S)


def page_count(pdf):
    out = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    return int(next(l.split()[1] for l in out.splitlines() if l.startswith("Pages:")))


def one(rng, chromium, path):
    truth, printing = content.declaration(rng)
    page, quirks, landscape = layout.document(rng, truth, printing)
    print_pdf(chromium, page, path + ".pdf")
    truth["quirks"] = ["gen2"] + quirks
    truth["document"] = {"pages": page_count(path + ".pdf"), "scanned": False, "dpi": None,
                         "orientation": "landscape" if landscape else "portrait", "max_skew_deg": None}
    with open(path + ".json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for n in range(args.count):
        rng = random.Random("%d/%d" % (args.seed, n))
        one(rng, args.chromium, os.path.join(args.out, "g2_%04d_%03d" % (args.seed, n)))


if __name__ == "__main__":
    main()
