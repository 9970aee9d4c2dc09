#!/usr/bin/env python3
"""Bundle a declaration with the papers a broker sends along (issue 15), to
check that only the declaration's pages are read.

  mkbundle.py OUT_DIR decl_NNN.pdf...

For each declaration (its ground truth decl_NNN.json beside it) writes a sales
contract, a commercial invoice and a packing list for the same shipment (the
same parties, goods, weights and totals, so that a page read by mistake shows
in the score) as HTML printed by Chromium, and joins them with qpdf into

  OUT_DIR/decl_NNN_before.pdf    contract, invoice, packing list, declaration
  OUT_DIR/decl_NNN_after.pdf     declaration, invoice, packing list
  OUT_DIR/decl_NNN_between.pdf   contract, declaration page 1, invoice, the rest
                                 of the declaration, packing list (a one-page
                                 declaration: between contract and invoice)

each beside the declaration's JSON (the expected answer is the declaration's
own). Also OUT_DIR/two_NNN_MMM.pdf for the first two declarations given: both
declarations in one file (to be refused as multiple_declarations; no JSON).
Needs chromium, qpdf and fonts-wqy-microhei. Python 3 standard library only.
"""
import html, json, os, shutil, subprocess, sys, tempfile

CHROMIUM = os.environ.get("CHROMIUM", "chromium")


def esc(s):
    return html.escape("" if s is None else str(s))


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4 portrait; margin: 18mm; }}
body {{ font-family: "WenQuanYi Micro Hei", sans-serif; font-size: 11pt; }}
h1 {{ text-align: center; font-size: 18pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 8mm 0; }}
td, th {{ border: 1px solid #000; padding: 2mm; font-size: 10pt; }}
</style></head><body>{body}</body></html>"""


def items_table(d, cols):
    rows = ["<tr>" + "".join("<th>%s</th>" % esc(c[0]) for c in cols) + "</tr>"]
    for it in d.get("items") or []:
        rows.append("<tr>" + "".join("<td>%s</td>" % esc(c[1](it)) for c in cols) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def parties(d):
    return ("<p>卖方 Seller: %s</p><p>买方 Buyer: %s</p>"
            % (esc(d["domestic_shipper"]["name"]), esc(d["overseas_consignee"])))


def contract(d):
    body = ["<h1>销售合同 SALES CONTRACT</h1>",
            "<p>合同号 Contract No.: %s</p>" % esc(d.get("contract_no")), parties(d),
            "<p>经双方协商，卖方同意出售、买方同意购买下列货物，条款如下：</p>",
            items_table(d, [("品名 Goods", lambda i: i["name"]), ("数量 Qty", lambda i: "%s%s" % (i["qty"], i["unit"])),
                            ("单价 Unit price USD", lambda i: i["unit_price"]), ("金额 Amount USD", lambda i: i["total"])]),
            "<p>合同总值 Total value: USD %.2f</p>" % (d.get("total_value") or 0),
            "<p>价格条款 Terms: %s　目的国 Destination: %s</p>" % (esc(d.get("trade_terms")), esc(d.get("destination_country"))),
            "<p>付款方式：电汇 T/T。交货期：合同签订后三十天内。</p>",
            "<p>本合同一式两份，双方各执一份，自签字之日起生效。</p>",
            "<p>卖方签字 Seller: ________　　买方签字 Buyer: ________</p>"]
    return PAGE.format(body="".join(body))


def invoice(d):
    body = ["<h1>商业发票 COMMERCIAL INVOICE</h1>",
            "<p>发票号 Invoice No.: INV%s</p>" % esc((d.get("declaration_no") or "")[-8:]), parties(d),
            "<p>合同号 Contract No.: %s　成交方式 Terms: %s</p>" % (esc(d.get("contract_no")), esc(d.get("trade_terms"))),
            items_table(d, [("序号 No.", lambda i: i["no"]), ("商品编号 HS", lambda i: i["hs_code"]),
                            ("品名 Description", lambda i: i["name"]),
                            ("数量 Qty", lambda i: "%s%s" % (i["qty"], i["unit"])),
                            ("单价 Unit price", lambda i: i["unit_price"]), ("金额 Amount", lambda i: i["total"]),
                            ("原产国 Origin", lambda i: i["origin_country"])]),
            "<p>合计 TOTAL: USD %.2f</p>" % (d.get("total_value") or 0),
            "<p>备注 Remarks: 车牌号 %s</p>" % esc(" ".join(d.get("plates") or [])),
            "<p>签字 Signature: ____________________</p>"]
    return PAGE.format(body="".join(body))


def packing_list(d):
    body = ["<h1>装箱单 PACKING LIST</h1>",
            "<p>发票号 Invoice No.: INV%s</p>" % esc((d.get("declaration_no") or "")[-8:]), parties(d),
            items_table(d, [("序号 No.", lambda i: i["no"]), ("品名 Description", lambda i: i["name"]),
                            ("数量 Qty", lambda i: "%s%s" % (i["qty"], i["unit"]))]),
            "<p>件数 Packages: %s　毛重 Gross weight: %s kg　净重 Net weight: %s kg</p>"
            % (esc(d.get("packages")), esc(d.get("gross_weight_kg")), esc(d.get("net_weight_kg"))),
            "<p>唛头 Marks: N/M</p>"]
    return PAGE.format(body="".join(body))


def print_pdf(html_text, pdf_path, tmp):
    src = os.path.join(tmp, os.path.basename(pdf_path) + ".html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(html_text)
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                        "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + prof,
                        "--no-pdf-header-footer", "--print-to-pdf=" + os.path.abspath(pdf_path), "file://" + src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def join(out, parts):
    """parts: (pdf, page range) pairs, joined in order with qpdf."""
    args = ["qpdf", "--empty", "--pages"]
    for pdf, pages in parts:
        args += [pdf, pages]
    subprocess.run(args + ["--", out], check=True)


def npages(pdf):
    return int(subprocess.run(["qpdf", "--show-npages", pdf], check=True, capture_output=True, text=True).stdout)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    decls = sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        for decl in decls:
            truth = json.load(open(decl[:-4] + ".json", encoding="utf-8"))
            name = os.path.basename(decl)[:-4]
            papers = {}
            for kind, make in (("contract", contract), ("invoice", invoice), ("packing", packing_list)):
                papers[kind] = os.path.join(tmp, "%s_%s.pdf" % (name, kind))
                print_pdf(make(truth), papers[kind], tmp)
            n = npages(decl)
            c, i, p = ((papers[k], "1-z") for k in ("contract", "invoice", "packing"))
            layouts = {
                "before": [c, i, p, (decl, "1-z")],
                "after": [(decl, "1-z"), i, p],
                "between": [c, (decl, "1"), i, (decl, "2-z"), p] if n > 1 else [c, (decl, "1-z"), i, p],
            }
            for layout, parts in layouts.items():
                join(os.path.join(out, "%s_%s.pdf" % (name, layout)), parts)
                shutil.copy(decl[:-4] + ".json", os.path.join(out, "%s_%s.json" % (name, layout)))
        if len(decls) >= 2:
            a, b = (os.path.basename(d)[:-4].split("_")[-1] for d in decls[:2])
            join(os.path.join(out, "two_%s_%s.pdf" % (a, b)), [(decls[0], "1-z"), (decls[1], "1-z")])


if __name__ == "__main__":
    main()
