#!/usr/bin/env python3
"""Print a declaration's ground truth as a page in another layout, to see
whether the recognizer reads a form it has not seen.

  mkvariant.py [--layout NAME] [--html-only] OUT_DIR decl_NNN.json...

For each JSON (tests/fixtures/declarations/decl_NNN.json) and each layout,
writes OUT_DIR/decl_NNN_<layout>.html, prints it to PDF with Chromium
(fonts-wqy-microhei for the Chinese) and copies the JSON beside it as
decl_NNN_<layout>.json, the expected answer (the same document, laid out
otherwise). Python 3 standard library only.

The layouts are prints a clerk reads without trouble, in the ways brokers'
systems, browsers and office suites print their own copies:

  inline    ruled grid, four cells a row, "label：value" on one line, the code
            in brackets after the value, ISO dates, thousands separators, fees
            as USD/2900.00/3; the item table's columns in another order
  beside    ruled key/value table: each label in a shaded cell with its value
            in the cell to its right, codes before the value ("(4)公路运输"),
            the credit code before the company's name; items as a plain table
            with 商品名称 / 规格型号 and 单价 / 总价 / 币制 in columns of their own
  legacy    the pre-2018 form's labels (经营单位, 出口口岸, 发货单位, 贸易方式,
            随附单据, 毛重(公斤), with 结汇方式, 批准文号, 集装箱号, 生产厂家 cells),
            values under labels
  plain     no ruling lines at all: "label：value" lines in three columns and an
            unruled item table, "第1页/共1页"
  portrait  A4 portrait, labels over values with the code after the label (as
            the Single Window prints), but six narrower columns in another order
"""
import argparse, html, json, os, shutil, subprocess, sys, tempfile

LAYOUTS = ["inline", "beside", "legacy", "plain", "portrait"]
CHROMIUM = os.environ.get("CHROMIUM", "chromium")


def esc(s):
    return html.escape("" if s is None else str(s))


def num(x, sep=False, dec=None):
    """A number as a clerk's system prints it."""
    if x is None:
        return ""
    if dec is None:
        dec = 0 if float(x) == int(x) else len(repr(float(x)).split(".")[1])
    if sep:
        return "{:,.{}f}".format(float(x), dec)
    return "{:.{}f}".format(float(x), dec)


def date(iso, fmt):
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return {"compact": y + m + d, "iso": iso, "slash": "/".join((y, m, d)), "dot": ".".join((y, m, d))}[fmt]


def coded(name, code, pos):
    """A value with its code: after ("哈萨克斯坦(KAZ)"), before ("(KAZ)哈萨克斯坦") or none."""
    name = name or ""
    if not code or pos == "none":
        return name
    if not name:
        return "(%s)" % code
    return "%s(%s)" % (name, code) if pos == "after" else "(%s)%s" % (code, name)


def company(c, pos):
    name, uscc = (c or {}).get("name") or "", (c or {}).get("uscc") or ""
    if not uscc or pos == "label":
        return name
    return "%s %s" % (uscc, name) if pos == "before" else "%s (%s)" % (name, uscc)


def fee(f, usd):
    if not f:
        return ""
    cur = "USD" if usd else "502"
    amount = num(f["amount"], dec=2) if usd else num(f["amount"])
    return "%s/%s/%s" % (cur, amount, f["mark"])


def docs(list_):
    out, k, loose = [], 1, []
    for d in list_ or []:
        if d.get("number"):
            out.append("随附单证%d:%s %s" % (k, d["type"], d["number"]))
            k += 1
        else:
            loose.append(d["type"])
    if loose:
        out.append("随附单证%d:%s" % (k, ";".join(loose)))
    return " ".join(out)


CURRENCY_NAME = {"USD": "美元"}


class Decl:
    """The printed values of one declaration, in a layout's style."""

    def __init__(self, d, code_pos="after", dates="compact", sep=False, usd=False, uscc="after"):
        self.d, self.code_pos, self.dates, self.sep, self.usd, self.uscc = d, code_pos, dates, sep, usd, uscc

    def v(self, key, code_key=None, with_code=True):
        d = self.d
        return coded(d.get(key), d.get(code_key) if code_key and with_code else None, self.code_pos)

    def header(self, legacy=False, label_codes=False):
        """(label, label code, value) of every header cell."""
        d, c = self.d, not label_codes
        lab = lambda new, old: old if legacy else new
        return {
            "shipper": (lab("境内发货人", "经营单位"), d["domestic_shipper"].get("uscc") if label_codes else None,
                        company(d["domestic_shipper"], "label" if label_codes else self.uscc)),
            "exit": (lab("出境关别", "出口口岸"), d.get("exit_customs_code") if label_codes else None,
                     self.v("exit_customs", "exit_customs_code", c)),
            "export_date": ("出口日期", None, date(d.get("export_date"), self.dates)),
            "declare_date": ("申报日期", None, date(d.get("declare_date"), self.dates)),
            "record": ("备案号", None, d.get("record_no") or ""),
            "consignee": ("境外收货人", None, d.get("overseas_consignee") or ""),
            "mode": ("运输方式", d.get("transport_mode_code") if label_codes else None,
                     self.v("transport_mode", "transport_mode_code", c)),
            "tname": (lab("运输工具名称及航次号", "运输工具名称"), None, d.get("transport_name") or ""),
            "bill": ("提运单号", None, d.get("bill_no") or ""),
            "producer": (lab("生产销售单位", "发货单位"), d["producer"].get("uscc") if label_codes else None,
                         company(d["producer"], "label" if label_codes else self.uscc)),
            "supervision": (lab("监管方式", "贸易方式"), d.get("supervision_mode_code") if label_codes else None,
                            self.v("supervision_mode", "supervision_mode_code", c)),
            "exemption": ("征免性质", d.get("exemption_nature_code") if label_codes else None,
                          self.v("exemption_nature", "exemption_nature_code", c)),
            "license": ("许可证号", None, d.get("license_no") or ""),
            "contract": ("合同协议号", None, d.get("contract_no") or ""),
            "trade_country": ("贸易国（地区）", d.get("trade_country_code") if label_codes else None,
                              self.v("trade_country", "trade_country_code", c)),
            "dest_country": ("运抵国（地区）", d.get("destination_country_code") if label_codes else None,
                             self.v("destination_country", "destination_country_code", c)),
            "dest_port": ("指运港", d.get("destination_port_code") if label_codes else None,
                          self.v("destination_port", "destination_port_code", c)),
            "departure": ("离境口岸", d.get("departure_port_code") if label_codes else None,
                          self.v("departure_port", "departure_port_code", c)),
            "package_kind": ("包装种类", d.get("package_kind_code") if label_codes else None,
                             self.v("package_kind", "package_kind_code", c)),
            "packages": ("件数", None, num(d.get("packages"), self.sep)),
            "gross": (lab("毛重(千克)", "毛重(公斤)"), None, num(d.get("gross_weight_kg"), self.sep)),
            "net": (lab("净重(千克)", "净重(公斤)"), None, num(d.get("net_weight_kg"), self.sep)),
            "terms": ("成交方式", d.get("trade_terms_code") if label_codes else None,
                      self.v("trade_terms", "trade_terms_code", c)),
            "freight": ("运费", None, fee(d.get("freight"), self.usd)),
            "insurance": ("保费", None, fee(d.get("insurance"), self.usd)),
            "misc": ("杂费", None, fee(d.get("misc_fee"), self.usd)),
            "docs": (lab("随附单证及编号", "随附单据"), None, docs(d.get("attached_docs"))),
            "remarks": ("标记唛码及备注", None, d.get("remarks") or ""),
        }

    def item_cells(self, it, region_pos="before", country_pos="below"):
        q = "<br>".join(esc(num(x["qty"], self.sep) + x["unit"]) for x in it["quantities"])
        price = num(it["unit_price"], self.sep, dec=max(2, len(repr(float(it["unit_price"])).split(".")[1])))
        total = num(it["total"], self.sep, dec=2)
        cur = CURRENCY_NAME.get(it["currency"], it["currency"])
        r = it["origin_region"]
        region = coded(r["name"], r["code"], region_pos)

        def country(name, code):
            if country_pos == "below":
                return esc(name) + "<br>(" + esc(code) + ")"
            return esc(coded(name, code, country_pos))
        ex = esc(it["exemption"]) + ("<br>(%s)" % esc(it["exemption_code"]) if it.get("exemption_code") else "")
        return {
            "no": esc(it["no"]), "hs": esc(it["hs_code"]), "name": esc(it["name"]), "spec": esc(it["spec"]),
            "namespec": esc(it["name"]) + "<br>" + esc(it["spec"]), "qty": q,
            "price": esc(price), "total": esc(total), "cur": esc(cur),
            "ptc": "<br>".join((esc(price), esc(total), esc(cur))),
            "origin": country(it["origin_country"], it["origin_country_code"]),
            "dest": country(it["dest_country"], it["dest_country_code"]),
            "region": esc(region), "ex": ex,
        }

    def footer(self):
        d = self.d
        return {
            "person": d.get("declarant_person") or "", "self": d.get("self_assessment") or "",
            "agent": company(d.get("declaring_agent"), "before"),
        }


CSS = """
@page { size: %(page)s; margin: 9mm 10mm; }
body { font-family: "WenQuanYi Micro Hei", sans-serif; font-size: %(fs)spx; margin: 0; color: #000; }
h1 { font-size: 17px; font-weight: %(tbold)s; text-align: center; margin: 2px 0 4px 0; letter-spacing: 2px; }
.top { display: flex; justify-content: space-between; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
td, th { vertical-align: top; padding: 2px 4px; word-break: break-all; }
.ruled td, .ruled th { border: 0.8px solid #000; }
th { font-weight: %(bold)s; text-align: left; }
.lab { font-weight: %(bold)s; }
.key { background: #eee; font-weight: %(bold)s; width: 9%%; }
.code { color: #555; font-weight: normal; }
.items th { text-align: center; }
.items td { text-align: center; }
.items td.l { text-align: left; }
.foot { margin-top: 6px; }
.foot td { padding: 3px 4px; }
"""


def page(body, page_size="A4 landscape", fs=10, bold=False, title_bold=False):
    """The HTML page. bold: the labels in bold, title_bold: the title. The font
    has no bold face, so Chromium draws bold text as Type 3 outlines (as some
    real prints carry Type 3 fonts), at the cost of a much larger file."""
    css = CSS % {"page": page_size, "fs": fs, "bold": "bold" if bold else "normal",
                 "tbold": "bold" if title_bold or bold else "normal"}
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>" + css +
            "</style></head><body>" + body + "</body></html>")


def top(d, page_text, office=True):
    no = esc(d["declaration_no"])
    left = "预录入编号：%s" % esc(d["pre_entry_no"])
    mid = "海关编号：%s%s" % (no, " (%s)" % esc(d["exit_customs"]) if office and d.get("exit_customs") else "")
    return ("<h1>中华人民共和国海关出口货物报关单</h1><div class='top'><span>%s</span><span>%s</span><span>%s</span></div>"
            % (left, mid, esc(page_text)))


def footer_table(f, ruled=True):
    cls = "ruled foot" if ruled else "foot"
    return ("<table class='%s'><tr><td>报关人员：%s</td><td>报关人员证号：</td><td>电话：</td>"
            "<td>自报自缴：%s</td></tr><tr><td colspan=3>申报单位：%s</td><td>申报单位（签章）</td></tr>"
            "<tr><td colspan=3>兹申明对以上内容承担如实申报、依法纳税之法律责任</td><td>海关批注及签章</td></tr></table>"
            % (cls, esc(f["person"]), esc(f["self"]), esc(f["agent"])))


def label_html(label, code):
    return "<span class='lab'>%s</span>%s" % (esc(label), " <span class='code'>(%s)</span>" % esc(code) if code else "")


# ---- layouts ----

def layout_inline(d):
    x = Decl(d, code_pos="after", dates="iso", sep=True, usd=True, uscc="after")
    h = x.header()
    rows = [["shipper", "exit", "export_date", "declare_date"], ["consignee", "mode", "tname", "bill"],
            ["producer", "supervision", "exemption", "license"], ["contract", "trade_country", "dest_country", "record"],
            ["dest_port", "departure", "package_kind", "packages"], ["gross", "net", "terms", "freight"],
            ["insurance", "misc"]]
    out = [top(d, "页码/页数:1/1"), "<table class='ruled'>"]
    for row in rows:
        out.append("<tr>")
        for k in row:
            lab, _, val = h[k]
            out.append("<td colspan=%d>%s：%s</td>" % (2 if len(row) == 2 else 1, label_html(lab, None), esc(val)))
        out.append("</tr>")
    for k in ("docs", "remarks"):
        lab, _, val = h[k]
        out.append("<tr><td colspan=4>%s：%s</td></tr>" % (label_html(lab, None), esc(val)))
    out.append("</table>")
    cols = [("项号", "no", 4), ("商品编号", "hs", 9), ("商品名称及规格型号", "namespec", 27), ("数量及单位", "qty", 10),
            ("单价/总价/币制", "ptc", 10), ("境内货源地", "region", 10), ("原产国(地区)", "origin", 10),
            ("最终目的国(地区)", "dest", 11), ("征免", "ex", 9)]
    out.append(item_table(x, cols, ruled=True, region_pos="after", country_pos="after"))
    out.append(footer_table(x.footer()))
    return page("".join(out))


def item_table(x, cols, ruled, region_pos, country_pos, left=("namespec", "name", "spec")):
    out = ["<table class='items%s'><colgroup>" % (" ruled" if ruled else "")]
    out += ["<col style='width:%d%%'>" % w for _, _, w in cols]
    out.append("</colgroup><thead><tr>")
    out += ["<th>%s</th>" % esc(t) for t, _, _ in cols]
    out.append("</tr></thead><tbody>")
    for it in x.d["items"]:
        c = x.item_cells(it, region_pos, country_pos)
        out.append("<tr>" + "".join("<td%s>%s</td>" % (" class=l" if k in left else "", c[k]) for _, k, _ in cols) +
                   "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def layout_beside(d):
    x = Decl(d, code_pos="before", dates="slash", sep=False, usd=False, uscc="before")
    h = x.header()
    rows = [["shipper", "exit", "declare_date"], ["consignee", "mode", "export_date"], ["producer", "supervision", "tname"],
            ["contract", "exemption", "bill"], ["license", "trade_country", "record"],
            ["dest_country", "dest_port", "departure"], ["package_kind", "packages", "terms"],
            ["gross", "net", "freight"], ["insurance", "misc"]]
    out = [top(d, "第1页/共1页"), "<table class='ruled'><colgroup><col style='width:9%'><col style='width:24%'>"
           "<col style='width:9%'><col style='width:24%'><col style='width:9%'><col style='width:25%'></colgroup>"]
    for row in rows:
        out.append("<tr>")
        for i, k in enumerate(row):
            lab, _, val = h[k]
            span = 3 if len(row) == 2 and i == 1 else 1
            out.append("<td class=key>%s</td><td colspan=%d>%s</td>" % (esc(lab), span, esc(val)))
        out.append("</tr>")
    for k in ("docs", "remarks"):
        lab, _, val = h[k]
        out.append("<tr><td class=key>%s</td><td colspan=5>%s</td></tr>" % (esc(lab), esc(val)))
    out.append("</table><div style='height:6px'></div>")
    cols = [("项号", "no", 4), ("商品编号", "hs", 9), ("商品名称", "name", 9), ("规格型号", "spec", 21),
            ("数量及单位", "qty", 8), ("单价", "price", 7), ("总价", "total", 8), ("币制", "cur", 5),
            ("原产国(地区)", "origin", 8), ("最终目的国(地区)", "dest", 9), ("境内货源地", "region", 7), ("征免", "ex", 5)]
    out.append(item_table(x, cols, ruled=True, region_pos="before", country_pos="before"))
    out.append(footer_table(x.footer()))
    return page("".join(out))


def layout_legacy(d):
    x = Decl(d, code_pos="after", dates="compact", sep=False, usd=False, uscc="after")
    h = x.header(legacy=True)
    extra = {"settle": ("结汇方式", None, "电汇"), "approval": ("批准文号", None, ""),
             "containers": ("集装箱号", None, " ".join(d.get("containers") or [])), "maker": ("生产厂家", None, "")}
    h.update(extra)
    rows = [["exit", "record", "export_date", "declare_date"], ["shipper", "mode", "tname", "bill"],
            ["producer", "supervision", "exemption", "settle"], ["license", "dest_country", "dest_port", "departure"],
            ["approval", "terms", "freight", "insurance", "misc"],
            ["contract", "packages", "package_kind", "gross", "net"],
            ["containers", "docs", "maker"], ["consignee", "trade_country"]]
    out = [top(d, "页码/页数:1/1"), "<table class='ruled'><colgroup>" + "<col style='width:5%'>" * 20 + "</colgroup>"]
    for row in rows:
        span = 20 // len(row)
        out.append("<tr>")
        for i, k in enumerate(row):
            lab, _, val = h[k]
            sp = span + (20 - span * len(row) if i == len(row) - 1 else 0)
            out.append("<td colspan=%d>%s<br>%s</td>" % (sp, label_html(lab, None), esc(val) or "&nbsp;"))
        out.append("</tr>")
    lab, _, val = h["remarks"]
    out.append("<tr><td colspan=20>%s<br>%s</td></tr></table>" % (label_html(lab, None), esc(val)))
    cols = [("项号", "no", 4), ("商品编号", "hs", 9), ("商品名称、规格型号", "namespec", 27), ("数量及单位", "qty", 10),
            ("最终目的国(地区)", "dest", 10), ("单价", "price", 8), ("总价", "total", 9), ("币制", "cur", 5),
            ("原产国(地区)", "origin", 8), ("境内货源地", "region", 9), ("征免", "ex", 6)]
    out.append(item_table(x, cols, ruled=True, region_pos="before", country_pos="below"))
    out.append(footer_table(x.footer()))
    return page("".join(out), title_bold=True)


def layout_plain(d):
    x = Decl(d, code_pos="after", dates="dot", sep=True, usd=True, uscc="after")
    h = x.header()
    order = ["shipper", "exit", "export_date", "consignee", "mode", "declare_date", "producer", "supervision", "record",
             "contract", "exemption", "tname", "trade_country", "license", "bill", "dest_country", "package_kind",
             "dest_port", "departure", "packages", "gross", "terms", "net", "freight", "insurance", "misc"]
    out = [top(d, "第1页/共1页"), "<table><colgroup><col style='width:38%'><col style='width:31%'>"
           "<col style='width:31%'></colgroup>"]
    for i in range(0, len(order), 3):
        out.append("<tr>" + "".join("<td>%s：%s</td>" % (label_html(h[k][0], None), esc(h[k][2]))
                                    for k in order[i:i + 3]) + "</tr>")
    for k in ("docs", "remarks"):
        lab, _, val = h[k]
        out.append("<tr><td colspan=3>%s：%s</td></tr>" % (label_html(lab, None), esc(val)))
    out.append("</table><div style='height:10px'></div>")
    cols = [("项号", "no", 4), ("商品编号", "hs", 9), ("商品名称及规格型号", "namespec", 27), ("数量及单位", "qty", 9),
            ("单价", "price", 8), ("总价", "total", 9), ("币制", "cur", 5), ("原产国(地区)", "origin", 8),
            ("最终目的国(地区)", "dest", 9), ("境内货源地", "region", 7), ("征免", "ex", 5)]
    out.append(item_table(x, cols, ruled=False, region_pos="after", country_pos="after"))
    out.append("<div style='height:10px'></div>")
    out.append(footer_table(x.footer(), ruled=False))
    return page("".join(out))


def layout_portrait(d):
    x = Decl(d, code_pos="none", dates="compact", sep=False, usd=False)
    h = x.header(label_codes=True)
    rows = [["shipper", "exit", "export_date"], ["declare_date", "record", "consignee"], ["mode", "tname", "bill"],
            ["producer", "supervision", "exemption"], ["license", "contract", "trade_country"],
            ["dest_country", "dest_port", "departure"], ["package_kind", "packages", "gross"],
            ["net", "terms", "freight"], ["insurance", "misc"]]
    out = [top(d, "页码/页数:1/1"), "<table class='ruled'>"]
    for row in rows:
        out.append("<tr>")
        for i, k in enumerate(row):
            lab, code, val = h[k]
            sp = 2 if len(row) == 2 and i == 1 else 1
            out.append("<td colspan=%d>%s<br>%s</td>" % (sp, label_html(lab, code), esc(val) or "&nbsp;"))
        out.append("</tr>")
    for k in ("docs", "remarks"):
        lab, code, val = h[k]
        out.append("<tr><td colspan=3>%s<br>%s</td></tr>" % (label_html(lab, code), esc(val) or "&nbsp;"))
    out.append("</table>")
    cols = [("项号", "no", 5), ("商品编号", "hs", 12), ("商品名称及规格型号", "namespec", 27), ("数量及单位", "qty", 11),
            ("单价/总价/币制", "ptc", 12), ("原产国(地区)", "origin", 9), ("最终目的国(地区)", "dest", 10),
            ("境内货源地", "region", 8), ("征免", "ex", 6)]
    out.append(item_table(x, cols, ruled=True, region_pos="before", country_pos="below"))
    out.append(footer_table(x.footer()))
    return page("".join(out), page_size="A4 portrait", fs=9)


BUILD = {"inline": layout_inline, "beside": layout_beside, "legacy": layout_legacy, "plain": layout_plain,
         "portrait": layout_portrait}


def print_pdf(html_path, pdf_path):
    with tempfile.TemporaryDirectory() as prof:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
               "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + prof,
               "--no-pdf-header-footer", "--print-to-pdf=" + os.path.abspath(pdf_path),
               "file://" + os.path.abspath(html_path)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("json", nargs="+")
    ap.add_argument("--layout", action="append", choices=LAYOUTS, help="a layout (repeatable; default all)")
    ap.add_argument("--html-only", action="store_true", help="write the HTML, do not print")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for path in a.json:
        d = json.load(open(path, encoding="utf-8"))
        stem = os.path.splitext(os.path.basename(path))[0]
        for lay in a.layout or LAYOUTS:
            base = os.path.join(a.out, "%s_%s" % (stem, lay))
            with open(base + ".html", "w", encoding="utf-8") as f:
                f.write(BUILD[lay](d))
            if a.html_only:
                continue
            print_pdf(base + ".html", base + ".pdf")
            os.remove(base + ".html")
            shutil.copyfile(path, base + ".json")
            print(base + ".pdf")


if __name__ == "__main__":
    sys.exit(main())
