"""HTML/CSS of one declaration for Chromium's print-to-PDF (tools/gen2).

Every choice that changes the layout is drawn from the random generator and
recorded in the returned quirk list: page orientation, font, label wording
(current or pre-2018), label:value on one line or value under label, column
widths, item table with combined or separate price columns, a spec row under
each item, the footer alone on the last page, narrow date cells."""
import html

FONTS = ["WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN", "AR PL UKai CN",
         "Noto Sans CJK SC", "Noto Serif CJK SC"]  # the Noto ones are embedded as Type 3 by Chromium
CURRENT = {"shipper": "境内发货人", "customs": "出境关别", "export_date": "出口日期", "declare_date": "申报日期",
           "record": "备案号", "consignee": "境外收货人", "mode": "运输方式", "tname": "运输工具名称及航次号",
           "bill": "提运单号", "producer": "生产销售单位", "sup": "监管方式", "exn": "征免性质", "lic": "许可证号",
           "contract": "合同协议号", "tcountry": "贸易国（地区）", "dcountry": "运抵国（地区）", "dport": "指运港",
           "depport": "离境口岸", "pkind": "包装种类", "packages": "件数", "gross": "毛重(千克)", "net": "净重(千克)",
           "terms": "成交方式", "freight": "运费", "ins": "保费", "misc": "杂费", "docs": "随附单证及编号",
           "remarks": "标记唛码及备注", "no": "项号", "hs": "商品编号", "name": "商品名称及规格型号",
           "name_only": "商品名称", "qty": "数量及单位", "price3": "单价/总价/币制", "unit_price": "单价",
           "total": "总价", "cur": "币制", "ocountry": "原产国（地区）", "fcountry": "最终目的国（地区）",
           "region": "境内货源地", "exemption": "征免", "declarant": "报关人员", "cert": "报关人员证号",
           "phone": "电话", "agent": "申报单位", "spec": "规格型号（申报要素）"}
LEGACY = dict(CURRENT, shipper="经营单位", customs="出口口岸", tname="运输工具名称", producer="发货单位",
              sup="贸易方式", name="商品名称、规格型号", docs="随附单证", tcountry="贸易国(地区)",
              dcountry="运抵国(地区)", ocountry="原产国(地区)", fcountry="最终目的国(地区)", declarant="报关员",
              cert="报关员证号", spec="规格型号")
HS_WIDTH = "6.6em"  # ten digits on one line, as every producer prints them
TITLE = "中华人民共和国海关出口货物报关单"


def esc(s):
    return html.escape("" if s is None else str(s))


def num(x):
    return ("%.4f" % x).rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def fee_text(f):
    return "" if f is None else "%s/%s/%s" % ("502", num(f["amount"]), f["mark"])


def css(rng, landscape, font, size_pt):
    margin = rng.randrange(7, 16)
    return """@page { size: A4 %s; margin: %dmm; }
body { font-family: '%s'; font-size: %.1fpt; margin: 0; color: #000; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
.title { text-align: center; font-size: 150%%; font-weight: bold; margin: 1mm 0 2mm; letter-spacing: 0.1em; }
.nums { display: flex; justify-content: space-between; margin-bottom: 1mm; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
td, th { border: 0.6pt solid #000; padding: 0.4mm 0.8mm; vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: normal; vertical-align: middle; text-align: center; }
.l { font-weight: bold; }
.c { color: #555; font-weight: normal; }
.foot td { border: none; }
.spec td { border-top: none; }
.noline td, .noline th { border-color: transparent; }
""" % ("landscape" if landscape else "portrait", margin, font, size_pt)


def label(words, key, code):
    text = esc(words[key])
    return text + (' <span class="c">(%s)</span>' % esc(code) if code else "")


def cell(style, words, key, code, value, width, span=1):
    """One header cell: value under the label, or label：value run on."""
    attrs = ' colspan="%d"' % span if span > 1 else ""
    attrs += ' style="width:%d%%"' % width if width else ""
    if style == "inline":
        return '<td%s><span class="l">%s：</span>%s</td>' % (attrs, label(words, key, code), esc(value))
    return '<td%s><div class="l">%s</div><div>%s</div></td>' % (attrs, label(words, key, code), esc(value))


def widths(rng, n, first_wide):
    """n random column widths (per cent) summing to 100, the first wider when asked."""
    raw = [rng.uniform(0.6, 1.4) for _ in range(n)]
    if first_wide:
        raw[0] *= rng.uniform(1.6, 2.6)
    total = sum(raw)
    out = [max(4, int(100 * r / total)) for r in raw]
    out[-1] += 100 - sum(out)
    return out


def date_text(iso, compact):
    return "" if iso is None else (iso.replace("-", "") if compact else iso)


def header_rows(rng, d, words, style, compact_dates, quirks):
    sh, pr = d["domestic_shipper"], d["producer"]
    rows = [
        [("shipper", sh["uscc"], sh["name"]), ("customs", d["exit_customs_code"], d["exit_customs"]),
         ("export_date", None, date_text(d["export_date"], compact_dates)),
         ("declare_date", None, date_text(d["declare_date"], compact_dates)), ("record", None, d["record_no"])],
        [("consignee", None, d["overseas_consignee"]), ("mode", d["transport_mode_code"], d["transport_mode"]),
         ("tname", None, d["transport_name"]), ("bill", None, d["bill_no"])],
        [("producer", pr["uscc"], pr["name"]), ("sup", d["supervision_mode_code"], d["supervision_mode"]),
         ("exn", d["exemption_nature_code"], d["exemption_nature"]), ("lic", None, d["license_no"])],
        [("contract", None, d["contract_no"]), ("tcountry", d["trade_country_code"], d["trade_country"]),
         ("dcountry", d["destination_country_code"], d["destination_country"]),
         ("dport", d["destination_port_code"], d["destination_port"]),
         ("depport", d["departure_port_code"], d["departure_port"])],
        [("pkind", d["package_kind_code"], d["package_kind"]), ("packages", None, d["packages"]),
         ("gross", None, num(d["gross_weight_kg"])), ("net", None, num(d["net_weight_kg"])),
         ("terms", d["trade_terms_code"], d["trade_terms"]), ("freight", None, fee_text(d["freight"])),
         ("ins", None, fee_text(d["insurance"])), ("misc", None, fee_text(d["misc_fee"]))],
    ]
    out = []
    narrow_dates = rng.random() < 0.3
    if narrow_dates:
        quirks.append("narrow_date_cells")
    for row in rows:
        ws = widths(rng, len(row), True)
        if narrow_dates and row[0][0] == "shipper":
            ws = [ws[0] + ws[2] + ws[3] - 12, ws[1], 6, 6, ws[4]]
        tds = "".join(cell(style, words, k, c, v, w) for (k, c, v), w in zip(row, ws))
        out.append("<table><tr>%s</tr></table>" % tds)
    docs = " ".join("随附单证%d:%s%s" % (i + 1, a["type"], " " + a["number"] if a["number"] else "")
                    for i, a in enumerate(d["attached_docs"]))
    out.append("<table><tr>%s</tr></table>" % cell(style, words, "docs", None, docs, 0))
    out.append("<table><tr>%s</tr></table>" % cell("stacked", words, "remarks", None, d["remarks"], 0))
    return out


def country(name, code, split):
    return "%s%s(%s)" % (esc(name), "<br>" if split else "", esc(code))


def item_columns(rng, separate, spec_row):
    """Column keys of the item table and their widths (per cent)."""
    cols = ["no", "hs", "name_only" if spec_row else "name", "qty"]
    cols += ["unit_price", "total", "cur"] if separate else ["price3"]
    cols += ["ocountry", "fcountry", "region", "exemption"]
    base = {"no": rng.choice([2.2, 3, 4.5]), "hs": 9, "name": 20, "name_only": 14, "qty": 10, "price3": 10,
            "unit_price": 7, "total": 8, "cur": rng.choice([4, 6]), "ocountry": rng.choice([6, 9]),
            "fcountry": rng.choice([6, 9, 11]), "region": 9, "exemption": 6}
    raw = [base[c] * (rng.uniform(0.85, 1.2) if c != "no" else 1) for c in cols]
    total = sum(raw)
    return cols, [100.0 * r / total for r in raw]


def item_cells(it, cols, spec_row, cur_word, split_country):
    q = "<br>".join("%s%s" % (num(x["qty"]), esc(x["unit"])) for x in it["quantities"])
    price, total = num(it["unit_price"]), "%.2f" % it["total"]
    name = esc(it["name"]) if spec_row else "%s<br>%s" % (esc(it["name"]), esc(it["spec"]))
    val = {"no": str(it["no"]), "hs": it["hs_code"], "name": name, "name_only": name, "qty": q,
           "price3": "%s<br>%s<br>%s" % (price, total, cur_word), "unit_price": price, "total": total,
           "cur": cur_word, "ocountry": country(it["origin_country"], it["origin_country_code"], split_country),
           "fcountry": country(it["dest_country"], it["dest_country_code"], split_country),
           "region": "(%s)%s" % (it["origin_region"]["code"], esc(it["origin_region"]["name"])),
           "exemption": "%s<br>(%s)" % (esc(it["exemption"]), esc(it["exemption_code"]))}
    return "".join("<td>%s</td>" % val[c] for c in cols)


def item_table(items, cols, ws, words, opts):
    head = "".join('<th style="width:%s">%s</th>' % (HS_WIDTH if c == "hs" else "%.2f%%" % w, esc(words[c]))
                   for c, w in zip(cols, ws))
    rows = ["<tr>%s</tr>" % head]
    for it in items:
        rows.append("<tr>%s</tr>" % item_cells(it, cols, opts["spec_row"], opts["cur_word"], opts["split_country"]))
        if opts["spec_row"]:
            start = opts["spec_start"]
            lead = '<td colspan="%d" style="border-right:none"></td>' % start if start else ""
            rows.append('<tr class="spec">%s<td colspan="%d">%s：%s</td></tr>'
                        % (lead, len(cols) - start, esc(words["spec"]), esc(it["spec"])))
    return "<table class=\"items\">%s</table>" % "".join(rows)


def footer(d, words, printing, one_line):
    conf = " ".join("%s：否" % w for w in ["特殊关系确认", "价格影响确认", "支付特许权使用费确认", "公式定价确认",
                                       "暂定价格确认"]) + " 自报自缴：%s" % d["self_assessment"]
    person = "%s：%s %s：%s %s：%s" % (esc(words["declarant"]), esc(d["declarant_person"]), esc(words["cert"]),
                                    printing["declarant_cert"], esc(words["phone"]), printing["declarant_phone"])
    if not one_line:
        person = person.replace(" ", "&emsp;&emsp;")
    ag = d["declaring_agent"]
    return ('<table class="foot"><tr><td>%s</td></tr><tr><td>%s</td></tr>'
            '<tr><td>兹申明对以上内容承担如实申报、依法纳税之法律责任</td></tr>'
            '<tr><td>%s <span class="c">(%s)</span> %s&emsp;&emsp;申报单位（签章）&emsp;&emsp;海关批注及签章</td></tr>'
            '</table>' % (esc(conf), person, esc(words["agent"]), esc(ag["uscc"]), esc(ag["name"])))


def top(d, page, pages):
    return ('<div class="title">%s</div><div class="nums"><span>预录入编号：%s</span><span>海关编号：%s</span>'
            '<span>(霍尔果斯海关)</span><span>页码/页数：%d/%d</span></div>'
            % (TITLE, d["pre_entry_no"], d["declaration_no"], page, pages))


def paginate(rng, items, landscape, spec_row):
    first = rng.randrange(2, 5 if landscape else 6)
    if spec_row:
        first = max(1, first - 1)
    rest = 5 if landscape else 8
    pages, i = [items[:first]], first
    while i < len(items):
        pages.append(items[i:i + rest])
        i += rest
    return pages


def document(rng, d, printing):
    """The HTML of one declaration and the quirk tags it shows."""
    quirks = []
    landscape = rng.random() < 0.5
    font = rng.choice(FONTS)
    quirks += ["landscape" if landscape else "portrait", "font:" + font]
    legacy = rng.random() < 0.3
    words = LEGACY if legacy else CURRENT
    style = rng.choice(["stacked", "stacked", "inline"])
    separate = rng.random() < 0.5
    spec_row = rng.random() < 0.5
    opts = {"spec_row": spec_row, "spec_start": rng.choice([0, 2, 3]), "cur_word": printing["currency_word"],
            "split_country": rng.random() < 0.6}
    quirks += [q for q, on in [("legacy_labels", legacy), ("label_colon_value", style == "inline"),
                               ("separate_price_columns", separate), ("spec_row", spec_row),
                               ("currency_" + printing["currency_word"], True),
                               ("spaced_containers", printing["container_style"] == "spaced" and d["containers"])]
               if on]
    cols, ws = item_columns(rng, separate, spec_row)
    chunks = paginate(rng, d["items"], landscape, spec_row)
    footer_alone = rng.random() < 0.35
    one_line = rng.random() < 0.6
    quirks += [q for q, on in [("footer_alone", footer_alone), ("declarant_one_line", one_line)] if on]
    pages = len(chunks) + footer_alone
    body = []
    for n, chunk in enumerate(chunks, 1):
        parts = [top(d, n, pages)]
        if n == 1:
            parts += header_rows(rng, d, words, style, rng.random() < 0.5, quirks)
        parts.append(item_table(chunk, cols, ws, words, opts))
        if n == len(chunks) and not footer_alone:
            parts.append(footer(d, words, printing, one_line))
        body.append('<div class="page">%s</div>' % "".join(parts))
    if footer_alone:
        body.append('<div class="page">%s%s</div>' % (top(d, pages, pages), footer(d, words, printing, one_line)))
    size = rng.uniform(7.0, 9.0) if landscape else rng.uniform(6.5, 8.0)
    page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>%s</style></head><body>%s</body>'
            '</html>' % (css(rng, landscape, font, size), "".join(body)))
    return page, quirks, landscape
