#!/usr/bin/python3
"""Scanner simulation for tools/gen2 (Debian's python3-pil; poppler's pdftoppm).

  tools/gen2/scan2.py --out DIR [--seed S] [--classes 150g,150b,200g,300b,...] IN.pdf...

For each text PDF IN (with IN.json beside it) and each class DPI+{g,b} (grey or
1-bit), writes DIR/<stem>_s<class>.pdf, an image-only PDF, and its ground truth
(IN.json with document.scanned/dpi/max_skew_deg set). Each page is rasterised,
its lower part (the table) turned and shifted a little on its own, the whole
page skewed (up to 2 degrees) and shifted, blurred as optics do, given an uneven
paper tone, sensor noise and speckle, then stored as JPEG (grey) or as a
thresholded 1-bit CCITT image."""
import argparse, json, os, random, subprocess, sys, tempfile

from PIL import Image, ImageChops, ImageDraw, ImageFilter

MAX_SKEW_DEG = 2.0
MAX_TABLE_TURN_DEG = 0.4
MAX_SHIFT_MM = 4.0
MM_PER_INCH = 25.4
WHITE = 255
JPEG_QUALITY = (45, 85)
NOISE_SIGMA = (4.0, 14.0)
SPECKLES_PER_MPX = (20, 160)
THRESHOLD = (110, 165)
DEFAULT_CLASSES = "150b,150g,200g,200b,300b,300g"


def rasterise(pdf, dpi, tmp):
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", pdf, os.path.join(tmp, "p")], check=True)
    names = sorted(f for f in os.listdir(tmp) if f.startswith("p") and f.endswith(".pgm"))
    pages = [Image.open(os.path.join(tmp, f)).convert("L") for f in names]
    for f in names:
        os.remove(os.path.join(tmp, f))
    return pages


def turn_table(rng, page):
    """Turn and shift the lower part of the page on its own, as a sheet fed unevenly."""
    w, h = page.size
    top = int(h * rng.uniform(0.35, 0.55))
    part = page.crop((0, top, w, h))
    part = part.rotate(rng.uniform(-MAX_TABLE_TURN_DEG, MAX_TABLE_TURN_DEG), resample=Image.BICUBIC,
                       fillcolor=WHITE, translate=(rng.randint(-3, 3), rng.randint(-3, 3)))
    page = page.copy()
    page.paste(part, (0, top))
    return page


def skew_and_shift(rng, page, dpi, skew):
    px = dpi * MAX_SHIFT_MM / MM_PER_INCH
    return page.rotate(skew, resample=Image.BICUBIC, fillcolor=WHITE,
                       translate=(rng.uniform(-px, px), rng.uniform(-px, px)))


def tone_and_noise(rng, page):
    w, h = page.size
    paper = Image.linear_gradient("L").resize((w, h)).point(lambda v, a=rng.uniform(0, 25): 255 - int(v * a / 255))
    page = ImageChops.multiply(page, paper)
    noise = Image.effect_noise((w, h), rng.uniform(*NOISE_SIGMA))
    page = ImageChops.add(page, noise, scale=1.0, offset=-128)
    draw = ImageDraw.Draw(page)
    for _ in range(int(w * h / 1e6 * rng.uniform(*SPECKLES_PER_MPX))):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.choice([0, 0, 1, 1, 2])
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(0, 90))
    return page


def scan_page(rng, page, dpi, bilevel, skew):
    if rng.random() < 0.5:
        page = turn_table(rng, page)
    page = skew_and_shift(rng, page, dpi, skew)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8) * dpi / 200))
    page = tone_and_noise(rng, page)
    if bilevel:
        return page.point(lambda v, t=rng.randint(*THRESHOLD): WHITE if v > t else 0).convert("1")
    return page


def scan(rng, pdf, out_dir, cls):
    dpi, bilevel = int(cls[:-1]), cls.endswith("b")
    stem = os.path.splitext(os.path.basename(pdf))[0] + "_s" + cls
    with tempfile.TemporaryDirectory() as tmp:
        pages = rasterise(pdf, dpi, tmp)
    skews = [rng.uniform(-MAX_SKEW_DEG, MAX_SKEW_DEG) for _ in pages]
    images = [scan_page(rng, p, dpi, bilevel, s) for p, s in zip(pages, skews)]
    target = os.path.join(out_dir, stem + ".pdf")
    extra = {} if bilevel else {"quality": rng.randint(*JPEG_QUALITY)}
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:], **extra)
    with open(pdf[:-4] + ".json", encoding="utf-8") as f:
        truth = json.load(f)
    truth["document"].update({"scanned": True, "dpi": dpi, "max_skew_deg": round(max(abs(s) for s in skews), 2)})
    truth["quirks"] = truth.get("quirks", []) + ["scan_" + cls]
    with open(os.path.join(out_dir, stem + ".json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--classes", default=DEFAULT_CLASSES, help="comma-separated DPI+g|b; one is drawn per input")
    ap.add_argument("--all-classes", action="store_true", help="every class for every input")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    classes = args.classes.split(",")
    for n, pdf in enumerate(args.pdfs):
        rng = random.Random("%d/%s" % (args.seed, os.path.basename(pdf)))
        for cls in classes if args.all_classes else [classes[n % len(classes)]]:
            scan(rng, pdf, args.out, cls)
            print(os.path.join(args.out, os.path.splitext(os.path.basename(pdf))[0] + "_s" + cls + ".pdf"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
