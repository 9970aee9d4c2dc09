"""Random but valid content of one export declaration, as the ground-truth dict
(tests/fixtures/declaration.schema.json) plus the few printing choices that
change what is printed (currency word, container spacing, VIN place).

Written for tools/gen2 independently of tools/mkvariant.py: every number that
carries a check digit (USCC, VIN, ISO 6346 container) is computed here."""
import random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_VALUE = {c: v for c, v in zip("ABCDEFGH", range(1, 9))}
VIN_VALUE.update({c: v for c, v in zip("JKLMN", range(1, 6))})
VIN_VALUE.update({"P": 7, "R": 9})
VIN_VALUE.update({c: v for c, v in zip("STUVWXYZ", range(2, 10))})
VIN_VALUE.update({str(d): d for d in range(10)})
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def uscc(rng):
    """A unified social credit code whose 18th character is the GB 32100 check."""
    body = rng.choice(["91", "92", "93", "12"]) + rng.choice(["654004", "650100", "330782", "500112", "340403"])
    body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def vin_with_check(prefix11, serial):
    """WMI+VDS (positions 1-8), a placeholder check, year, plant, 6-digit serial."""
    raw = prefix11[:8] + "0" + prefix11[9:11] + "%06d" % serial
    total = sum(VIN_VALUE[c] * w for c, w in zip(raw, VIN_WEIGHTS))
    check = total % 11
    return raw[:8] + ("X" if check == 10 else str(check)) + raw[9:]


def vin_prefix(rng):
    wmi = rng.choice(["LGW", "LS5", "LFN", "LC0", "LVV", "L6T", "LGX", "LZG", "LJ1", "LFW"])
    vds = "".join(rng.choice(VIN_LETTERS + "0123456789") for _ in range(5))
    year = rng.choice("NPRST")
    plant = rng.choice(VIN_LETTERS)
    return wmi + vds + "0" + year + plant


def container_no(rng):
    """ISO 6346: owner code, U, 6-digit serial, check digit (10 counts as 0)."""
    values, v = {}, 10
    for c in LATIN:
        if v % 11 == 0:
            v += 1
        values[c] = v
        v += 1
    while True:
        owner = "".join(rng.choice(LATIN) for _ in range(3)) + "U"
        serial = "%06d" % rng.randrange(10 ** 6)
        code = owner + serial
        total = sum((values[c] if c.isalpha() else int(c)) * (2 ** i) for i, c in enumerate(code))
        check = total % 11
        if check == 10:  # avoid the ambiguous 0; real owners do too
            continue
        return code + str(check)


def kz_plate(rng, trailer=False):
    p = "%03d%s%02d" % (rng.randrange(1, 1000), "".join(rng.choice(LATIN) for _ in range(3)),
                        rng.choice([2, 3, 5, 7, 10, 13, 17]))
    return p + ("挂" if trailer else "")


def cn_plate(rng, trailer=False):
    head = rng.choice(["新F", "新A", "新D", "新B", "豫B", "陕E"])
    if trailer:
        return head + "%04d挂" % rng.randrange(1000, 10000)
    return head + "%05d" % rng.randrange(10000, 100000)


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚"]
PLACES = ["霍尔果斯", "伊犁", "乌鲁木齐", "义乌", "重庆", "淮南", "石家庄", "西安", "郑州", "喀什"]
TRADES = ["进出口", "国际贸易", "商贸", "供应链", "汽车贸易", "边境贸易", "实业"]
SUFFIX = ["有限公司", "有限责任公司", "股份有限公司"]
CONSIGNEES = ['TOO "ORDA TECHNICS"', "LLP ASIA TRADE GROUP", 'ТОО "АЛМАТЫ СНАБ"', "KAZ AUTO IMPORT LLP",
              'ОсОО "БИШКЕК ТРЕЙД"', "SILK ROAD LOGISTICS LLC", 'TOO "KARAGANDA MOTORS"']
COUNTRIES = [("哈萨克斯坦", "KAZ"), ("吉尔吉斯斯坦", "KGZ"), ("乌兹别克斯坦", "UZB"), ("俄罗斯", "RUS"),
             ("塔吉克斯坦", "TJK")]
REGIONS = [("65409", "伊犁"), ("34442", "淮南"), ("33189", "义乌"), ("50019", "重庆"), ("65019", "乌鲁木齐"),
           ("13019", "石家庄"), ("41019", "郑州")]
SUPERVISION = [("0110", "一般贸易"), ("1039", "市场采购"), ("4019", "边境小额"), ("9610", "电子商务"),
               ("9710", "跨境电商B2B直接出口"), ("9810", "跨境电商出口海外仓")]
PACKAGES = [("22", "纸制或纤维板制盒/箱"), ("39", "其他材料制桶"), ("92", "再生木托"), ("99", "其他包装"),
            ("00", "散装")]
TERMS = [("FOB", "3"), ("CIF", "1"), ("C&F", "2"), ("EXW", "7")]
GOODS = [  # name, hs, spec, (legal unit, second unit or None), transaction unit, price range
    ("番茄酱", "2002901100", "0|3|番茄|220L无菌袋桶装|浓度28-30%|无品牌", ("千克", None), "千克", (0.8, 1.6)),
    ("塑料餐具", "3924100000", "0|3|塑料制|餐厨用|无品牌|PP材质", ("千克", None), "千克", (1.5, 4.0)),
    ("男式棉服", "6201300000", "0|3|梭织|男式|棉服|面料100%涤纶|无品牌", ("件", "千克"), "件", (6.0, 25.0)),
    ("轮胎", "4011101000", "1|3|子午线|205/55R16|91V|朝阳牌", ("条", "千克"), "条", (25.0, 60.0)),
    ("电动机", "8501520000", "0|3|三相异步|7.5kW|380V|无品牌|Y2-132M-4", ("台", "千克"), "台", (80.0, 300.0)),
    ("陶瓷砖", "6907210000", "0|3|吸水率0.5%-10%|300*600mm|釉面|无品牌", ("平方米", "千克"), "平方米", (2.0, 6.0)),
    ("鲜苹果", "0808100000", "0|3|鲜|红富士|纸箱装|无品牌", ("千克", None), "千克", (0.6, 1.4)),
    ("钢筋", "7214200000", "0|3|热轧|带肋|HRB400|直径12-25mm", ("千克", None), "吨", (480.0, 650.0)),
    ("冰箱", "8418102000", "1|3|家用|双门|容积258L|海润牌|BCD-258", ("台", "千克"), "台", (90.0, 220.0)),
]
VEHICLES = [("长安", "CS55PLUS", "载人|汽油|1.5T|5座"), ("吉利", "帝豪", "载人|汽油|1.5L|5座"),
            ("长城", "哈弗H6", "载人|汽油|1.5T|5座"), ("比亚迪", "元PLUS", "载人|纯电动|5座"),
            ("江淮", "帅铃Q6", "载货|柴油|3.0L"), ("福田", "奥铃CTX", "载货|柴油|2.8L"),
            ("奇瑞", "瑞虎7 PRO", "载人|汽油|1.5T|5座")]
VEHICLE_HS = {"载人": "8703234190", "载货": "8704210000"}


def company(rng, place=None):
    return (place or rng.choice(PLACES)) + rng.choice(["新元", "锦程", "丝路", "驰骋", "金桥", "鸿运", "凯程", "天山",
                                                     "华欧", "汇通"]) + rng.choice(TRADES) + rng.choice(SUFFIX)


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def decl_no(rng, year):
    return "9402%d0%09d" % (year, rng.randrange(10 ** 9))


def money(x):
    return round(x + 1e-9, 2)


def goods_item(rng, no, country, region):
    name, hs, spec, legal, unit, (lo, hi) = rng.choice(GOODS)
    qty = rng.randrange(20, 40000) if unit != "吨" else round(rng.uniform(2, 40), 2)
    price = round(rng.uniform(lo, hi), 4 if hi < 10 else 2)
    quantities = []
    if unit == "吨":
        quantities.append({"qty": round(qty * 1000, 2), "unit": "千克"})
    else:
        quantities.append({"qty": qty, "unit": legal[0]})
        if legal[1] == "千克":
            quantities.append({"qty": rng.randrange(10, 30000), "unit": "千克"})
    quantities.append({"qty": qty, "unit": unit})
    return item_dict(no, hs, name, spec, qty, unit, quantities, price, country, region, None, None)


def item_dict(no, hs, name, spec, qty, unit, quantities, price, country, region, brand, model):
    return {"no": no, "hs_code": hs, "name": name, "spec": spec, "qty": qty, "unit": unit,
            "quantities": quantities, "unit_price": price, "total": money(qty * price), "currency": "USD",
            "origin_country": "中国", "origin_country_code": "CHN", "dest_country": country[0],
            "dest_country_code": country[1], "origin_region": {"code": region[0], "name": region[1]},
            "exemption": "照章征税", "exemption_code": "1", "brand": brand, "model": model}


def vehicle_items(rng, n_items, country, region, vins_in_spec, prefix):
    items, serial, all_vins = [], rng.randrange(100000, 900000), []
    brand, model, kind = rng.choice(VEHICLES)
    for no in range(1, n_items + 1):
        if rng.random() < 0.3:
            brand, model, kind = rng.choice(VEHICLES)
        qty = rng.randrange(1, 6 if vins_in_spec else 13)
        vins = []
        for _ in range(qty):  # serials rise by small random steps: every VIN distinct
            serial += rng.randrange(1, 9)
            vins.append(vin_with_check(prefix, serial))
        all_vins += vins
        spec = "1|3|%s|%s牌|%s|新车" % (kind, brand, model)
        if vins_in_spec:
            spec += "|" + rng.choice(["车架号：", "VIN:", "车架号:"]) + rng.choice([",", " "]).join(vins)
        weight = qty * rng.randrange(1200, 4500)
        quantities = [{"qty": qty, "unit": "辆"}, {"qty": weight, "unit": "千克"}, {"qty": qty, "unit": "辆"}]
        if rng.random() < 0.4:
            quantities = [{"qty": qty, "unit": "辆"}, {"qty": qty, "unit": "辆"}]
        price = float(rng.randrange(6000, 30000))
        items.append(item_dict(no, VEHICLE_HS[kind.split("|")[0]], rng.choice(["乘用车", "小轿车", "载货汽车", "汽车"]),
                               spec, qty, "辆", quantities, price, country, region, brand, model))
    return items, all_vins


def fee(rng, lo, hi):
    return {"currency": "USD", "amount": float(rng.randrange(lo, hi)), "mark": "3"}


def transport(rng, d):
    """Plates, transport name, transit number and seals; sets the matching keys of d."""
    kz = rng.random() < 0.5
    mk = kz_plate if kz else cn_plate
    trucks = [mk(rng) for _ in range(rng.choice([1, 1, 2, 3]))]
    plates = []
    for t in trucks:
        plates.append(t)
        if rng.random() < 0.7:
            plates.append(mk(rng, trailer=True))
    transit = rng.random() < 0.15
    if transit:
        number = "9402%d%08d" % (rng.choice([2024, 2025, 2026]), rng.randrange(10 ** 8))
        d["transport_name"] = "@" + number
        d["seals"] = ["GS%08d" % rng.randrange(10 ** 8) for _ in range(rng.choice([1, 2]))]
    else:
        style = rng.random()
        d["transport_name"] = plates[0] if style < 0.4 else (
            plates[0] + "/" + d["declare_date"].replace("-", "") if style < 0.7 else
            plates[0] + "/" + plates[1] if len(plates) > 1 else plates[0])
        d["seals"] = []
        number = None
    d["plates"] = plates
    d["truck_count"] = sum(1 for p in plates if not p.endswith("挂"))
    d["is_transit"] = transit
    return number


def containers(rng, d):
    if rng.random() < 0.25:
        conts = [(container_no(rng), rng.choice(["20GP", "40GP", "40HQ"])) for _ in range(rng.choice([1, 2]))]
        d["containers"] = [c for c, _ in conts]
        d["container_teu"] = sum(1 if s.startswith("20") else 2 for _, s in conts)
        return conts
    d["containers"], d["container_teu"] = [], None
    return []


def remarks_text(rng, d, transit_no, conts, vins, printing):
    parts = [rng.choice(["N/M", "无"])]
    parts.append(rng.choice(["车牌：", "运输车辆：", "车号:", "承运车辆："]) + rng.choice([",", "、", " "]).join(d["plates"]))
    if transit_no:
        parts.append("转关运输，转关单号：%s 关锁号：%s" % (transit_no, ",".join(d["seals"])))
    if conts:
        if printing["container_style"] == "spaced":
            parts.append("集装箱号：" + ",".join("%s %s %s(%s)" % (c[:4], c[4:10], c[10], s) for c, s in conts))
        else:
            parts.append("集装箱标箱数及号码：%d;%s;" % (d["container_teu"], ";".join(c for c, _ in conts)))
    if vins:
        parts.append(rng.choice(["全新车辆", "本批车辆均为新车，未办理注册登记"]))
        parts.append(rng.choice(["车架号：", "VIN:", "车辆识别代号："]) + rng.choice([",", "，", " "]).join(vins))
    if d["supervision_mode_code"] == "1039":
        parts.append("市场采购贸易 交易清单号：SCCG%012d" % rng.randrange(10 ** 12))
    if rng.random() < 0.5:
        parts.append("司机：%s 电话：1%010d" % (person(rng), rng.randrange(10 ** 10)))
    return " ".join(parts)


def declaration(rng):
    """One declaration's ground truth and its printing choices."""
    year = rng.choice([2024, 2025, 2026])
    d, printing = {}, {}
    d["declaration_no"] = decl_no(rng, year)
    d["pre_entry_no"] = d["declaration_no"] if rng.random() < 0.4 else decl_no(rng, year)
    d["exit_customs"], d["exit_customs_code"] = "霍尔果斯海关", "9402"
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    d["declare_date"] = "%d-%02d-%02d" % (year, month, day)
    d["export_date"] = None if rng.random() < 0.5 else "%d-%02d-%02d" % (year, month, min(28, day + 1))
    d["record_no"] = None
    d["domestic_shipper"] = {"name": company(rng), "uscc": uscc(rng)}
    d["overseas_consignee"] = rng.choice(CONSIGNEES)
    d["transport_mode"], d["transport_mode_code"] = "公路运输", "4"
    d["bill_no"] = None if rng.random() < 0.3 else "HRG%011d" % rng.randrange(10 ** 11)
    d["producer"] = {"name": company(rng), "uscc": uscc(rng)}
    commodity = rng.random() < 0.35
    sup = ("0110", "一般贸易") if commodity else rng.choice(SUPERVISION)
    d["supervision_mode_code"], d["supervision_mode"] = sup
    d["exemption_nature"], d["exemption_nature_code"] = ("一般征税", "101") if rng.random() < 0.8 else (None, None)
    d["license_no"] = "%d-AB-%06d" % (year % 100, rng.randrange(10 ** 6)) if commodity else None
    d["contract_no"] = "HRGS%d%02d%02d-%03d" % (year, month, day, rng.randrange(1000))
    country = rng.choice(COUNTRIES)
    d["trade_country"], d["trade_country_code"] = country
    d["destination_country"], d["destination_country_code"] = country
    d["destination_port"], d["destination_port_code"] = country[0], country[1] + "000"
    d["departure_port"], d["departure_port_code"] = "霍尔果斯公路口岸", "650201"
    d["package_kind_code"], d["package_kind"] = rng.choice(PACKAGES)
    d["packages"] = rng.randrange(1, 900)
    d["trade_terms"], d["trade_terms_code"] = rng.choice(TERMS)
    paid = d["trade_terms"] in ("CIF", "C&F")
    d["freight"] = fee(rng, 300, 3000) if paid else None
    d["insurance"] = fee(rng, 50, 400) if d["trade_terms"] == "CIF" else None
    d["misc_fee"] = None
    d["attached_docs"] = [{"type": "代理报关委托协议（电子）", "number": None}]
    region = rng.choice(REGIONS)
    vin_place = None
    if commodity:
        vin_place = rng.choice(["remarks", "remarks", "item_spec"])
        items, vins = vehicle_items(rng, rng.choice([1, 1, 2, 3]), country, region, vin_place == "item_spec",
                                    vin_prefix(rng))
    else:
        items, vins = [goods_item(rng, no, country, region) for no in range(1, rng.choice([1, 2, 3, 4, 5, 7, 9]) + 1)], []
    d["items"] = items
    d["net_weight_kg"] = float(rng.randrange(500, 40000))
    d["gross_weight_kg"] = d["net_weight_kg"] + rng.randrange(10, 900)
    transit_no = transport(rng, d)
    conts = containers(rng, d)
    printing["container_style"] = rng.choice(["spaced", "plain"])
    printing["currency_word"] = rng.choice(["美元", "USD"])
    d["vins"] = vins
    d["remarks"] = remarks_text(rng, d, transit_no, conts, vins if vin_place == "remarks" else [], printing)
    d["vehicle_count"] = sum(int(i["qty"]) for i in items if i["unit"] == "辆")
    models = []
    for i in items:
        if i["brand"] and {"brand": i["brand"], "model": i["model"]} not in models:
            models.append({"brand": i["brand"], "model": i["model"]})
    d["vehicle_models"] = models
    d["total_value"] = money(sum(i["total"] for i in items))
    d["currency"] = "USD"
    d["origin"] = dict(items[0]["origin_region"])
    d["is_ecommerce"] = d["supervision_mode_code"] in ("9610", "9710", "9810", "1210")
    d["kind"] = "commodity_vehicle" if commodity else "heavy_truck"
    d["declaring_agent"] = {"name": company(rng, "霍尔果斯"), "uscc": uscc(rng)}
    d["declarant_person"] = person(rng)
    printing["declarant_cert"] = "%08d" % rng.randrange(10 ** 8)
    printing["declarant_phone"] = "1%010d" % rng.randrange(10 ** 10)
    d["self_assessment"] = rng.choice(["是", "否"])
    d["vin_source"] = vin_place or "none"
    d["vin_file"] = None
    return d, printing
