#!/usr/bin/env python3
"""Bookings in bulk for the search and list benchmark (bench/million.sh), straight into the tables.

    million.py sqlite FILE COUNT          insert COUNT bookings into the SQLite database FILE
    million.py pg URL DIR COUNT > load.sql    write COPY files into DIR and, on stdout, the psql script that loads them

The database must already be migrated and seeded (`kouan serve --demo` once) and hold the account
`bench_ent` (enterprise, its organisation the biggest forwarder here), whose password hash every
generated account shares. Everything is drawn from one seeded generator, so both databases get the
same rows.

What is made, as the schema wants it (migration 3, and 11: a plate's and a VIN's booking_org_id): ENTERPRISES enterprise organisations with one
account each, their share of bookings Zipf-distributed (the biggest holds about an eighth); bookings
over DAYS days, ids in time order; 60 % heavy trucks (1-3 plates, Xinjiang and other provinces, a
trailer now and then, a few Kazakh plates) naming one of the sites, 40 % commodity vehicles (1-6
vehicles, 17-character VINs of real Chinese manufacturers' WMIs, six model lines each, with a valid ISO 3779 check digit,
each VIN once); 18-digit declaration numbers (district, year, 0, serial), each once; states by age
(the last RECENT bookings still draft/submitted/released, older ones passed, expired, cancelled,
rejected, a few abandoned drafts), `holding` set as the states hold; one history row per change of
state (create, submit, approve/reject/cancel/expire/pass), in time order across bookings.
"""
import heapq
import json
import os
import random
import sqlite3
import subprocess
import sys
import time

ENTERPRISES = 2000
DAYS = 730
RECENT = 3000            # the newest bookings, still moving through the workflow
DAY_S = 86400
SEED = 14
START = 1_700_000_000    # 2023-11-14, the first booking

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUE = {**{str(d): d for d in range(10)},
             **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
             **dict(zip("STUVWXYZ", range(2, 10)))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
WMIS = ["LGW", "LSG", "LFV", "LVS", "LBV", "LGX", "LS5", "LNB", "LFM", "LZW", "LJ1", "LVG", "LDC", "LHG", "LB3"]
# each manufacturer a few model lines (the VIN's descriptor section), so that a model's prefix is common
_models = random.Random(SEED)
MODELS = {w: ["".join(_models.choice(VIN_ALPHABET) for _ in range(5)) for _ in range(6)] for w in WMIS}
YEAR_CODES = "NPRS"      # model years 2022-2025
PLANTS = VIN_ALPHABET
PROVINCES = ["新"] * 12 + ["甘", "陕", "豫", "鲁", "苏", "浙", "粤", "川", "冀", "蒙"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
SITES_LISTED_SHARE = 0.8
DISTRICTS = ["9402"] * 6 + ["9401", "9403", "7201", "1901", "4201", "5301"]
BRANDS = ["比亚迪", "长城", "吉利", "奇瑞", "长安", "江淮", "一汽解放", "东风"]
COLOURS = ["白色", "黑色", "银色", "灰色", "红色", "蓝色"]
COUNTRIES = ["哈萨克斯坦", "吉尔吉斯斯坦", "乌兹别克斯坦", "俄罗斯", "塔吉克斯坦"]
CARGO = ["一般货物", "跨境电商（清单模式）", "跨境电商（报关单模式）", "危险货物", "冷链货物"]
CLEARANCE = ["一般申报", "提前申报", "两步申报"]
WAREHOUSES = ["霍尔果斯公路口岸监管作业场所", "国际物流园监管库", "合作中心配套区监管仓"]
USAGE = ["非营运", "营运", "货运"]
FUEL = ["汽油", "柴油", "纯电动", "插电式混合动力", "油电混合动力", "天然气"]
SLOTS = ["09:00-11:00", "11:00-13:00", "13:00-15:00", "15:00-17:00", "17:00-19:00"]
# (state, share) of bookings older than RECENT, and of the RECENT newest
OLD_STATES = [("passed", 0.74), ("expired", 0.09), ("cancelled", 0.08), ("rejected", 0.04), ("draft", 0.03),
              ("released", 0.02)]
NEW_STATES = [("submitted", 0.45), ("draft", 0.2), ("released", 0.25), ("rejected", 0.05), ("cancelled", 0.05)]
HOLDING = {"submitted", "released", "passed"}
# the actions that lead from a new draft to each state
PATHS = {"draft": [], "submitted": ["submit"], "rejected": ["submit", "reject"],
         "released": ["submit", "approve"], "passed": ["submit", "approve", "pass"],
         "expired": ["submit", "approve", "expire"], "cancelled": ["submit", "cancel"]}
TO_STATE = {"submit": "submitted", "reject": "rejected", "approve": "released", "pass": "passed",
            "expire": "expired", "cancel": "cancelled"}

BOOKING_COLS = ["id", "org_id", "kind", "state", "holding", "declaration_no", "declaration_digits", "fields",
                "declared", "confidence", "warnings", "clearance_mode", "cargo_type", "customs_warehouse",
                "is_transit", "contact", "transshipment_site_id", "usage_type", "fuel_type", "crossing_date", "slot",
                "created_by", "created_at", "updated_at", "version"]
PLATE_COLS = ["booking_id", "position", "plate", "booking_org_id"]      # the booking's org_id (migration 11)
VEHICLE_COLS = ["booking_id", "position", "vin", "plate", "brand", "colour", "displacement", "power", "tonnage",
                "holding", "booking_org_id"]
HISTORY_COLS = ["booking_id", "action", "from_state", "to_state", "actor_id", "at", "reason"]
ORG_COLS = ["id", "name", "kind", "created_at"]
USER_COLS = ["id", "username", "username_key", "role", "org_id", "password_hash", "created_at"]


def vin_with_check(body16):
    """body16: the 17 characters with '0' at position 9; returns the VIN with its check digit."""
    total = sum(VIN_VALUE[ch] * w for ch, w in zip(body16, VIN_WEIGHTS))
    check = total % 11
    return body16[:8] + ("X" if check == 10 else str(check)) + body16[9:]


def make_vin(rng, serial):
    """A VIN unique by serial (plant and 6-digit serial number carry it)."""
    wmi = rng.choice(WMIS)
    vds = rng.choice(MODELS[wmi])
    plant = PLANTS[(serial // 1_000_000) % len(PLANTS)]
    return vin_with_check(wmi + vds + "0" + rng.choice(YEAR_CODES) + plant + "%06d" % (serial % 1_000_000))


def make_plate(rng, trailer=False):
    if not trailer and rng.random() < 0.05:     # a Kazakh truck
        return "%03d%s%02d" % (rng.randrange(1000), "".join(rng.choice("ABCDEHKMOPTXYZ") for _ in range(3)),
                               rng.choice([2, 5, 12, 17]))
    head = rng.choice(PROVINCES) + rng.choice(PLATE_LETTERS)
    if trailer:
        return head + "%04d" % rng.randrange(10000) + "挂"
    tail = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ" if k == 0 else "0123456789") for k in range(5))
    return head + tail


def pick(rng, table):
    r = rng.random()
    for value, share in table:
        r -= share
        if r < 0:
            return value
    return table[-1][0]


def zipf_orgs(rng, orgs, count):
    """An organisation per booking, the first the most frequent (Zipf, s = 1)."""
    weights = [1.0 / (k + 1) for k in range(len(orgs))]
    return rng.choices(orgs, weights=weights, k=count)


class Gen:
    def __init__(self, first_id, count, orgs, users, sites, bureau_user, warehouse_user):
        self.rng = random.Random(SEED)
        self.first_id, self.count = first_id, count
        self.orgs_of = zipf_orgs(self.rng, orgs, count)
        self.users, self.sites = users, sites
        self.bureau_user, self.warehouse_user = bureau_user, warehouse_user
        self.step = DAYS * DAY_S / count
        self.vin_serial = 0
        self.events = []      # (at, seq, history row): written when the bookings reach their time

    def declaration(self, i, created):
        year = 2023 + int((created - START) / (365 * DAY_S))
        return "%s%d0%09d" % (self.rng.choice(DISTRICTS), year, (i * 104729) % 1_000_000_000)

    def fields(self, kind, units):
        rng = self.rng
        f = {"departure_port": "霍尔果斯", "destination_country": rng.choice(COUNTRIES),
             "domestic_shipper": {"name": "伊犁%04d进出口贸易有限公司" % rng.randrange(10000),
                                  "code": "91654004%010d" % rng.randrange(10 ** 10)},
             "gross_weight_kg": rng.randrange(1000, 40000), "currency": "USD",
             "total_value": rng.randrange(5000, 900000)}
        f["truck_count" if kind == "heavy_truck" else "vehicle_count"] = units
        return json.dumps(f, ensure_ascii=False, separators=(",", ":"))

    def rows(self):
        """Yields (table, row) in an order the foreign keys accept."""
        rng = self.rng
        for n in range(self.count):
            bid = self.first_id + n
            created = int(START + n * self.step)
            yield from self.due(created)
            org = self.orgs_of[n]
            user = self.users[org]
            kind = "heavy_truck" if rng.random() < 0.6 else "commodity_vehicle"
            state = pick(rng, NEW_STATES if self.count - n <= RECENT else OLD_STATES)
            holding = 1 if state in HOLDING else 0
            decl = self.declaration(bid, created)
            crossing = created + rng.randrange(1, 4) * DAY_S
            site = None
            if kind == "heavy_truck":
                site = rng.choice(self.sites["listed"]) if rng.random() < SITES_LISTED_SHARE else \
                    rng.choice(self.sites["other"])
            units = rng.randrange(1, 4) if kind == "heavy_truck" else rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
            path = PATHS[state]
            updated = created + 600 * len(path)
            yield "bookings", (
                bid, org, kind, state, holding, decl, decl, self.fields(kind, units), "{}", "{}", "[]",
                rng.choice(CLEARANCE), rng.choice(CARGO) if kind == "heavy_truck" else None,
                rng.choice(WAREHOUSES), 0, "1399%07d" % rng.randrange(10 ** 7), site,
                rng.choice(USAGE) if kind != "heavy_truck" else None,
                rng.choice(FUEL) if kind != "heavy_truck" else None,
                _date(crossing), rng.choice(SLOTS), user, created, updated, 1 + len(path))
            if kind == "heavy_truck":
                plates = [make_plate(rng) for _ in range(units)]
                if rng.random() < 0.3:
                    plates.append(make_plate(rng, trailer=True))
                for pos, p in enumerate(plates):
                    yield "booking_plates", (bid, pos, p, org)
            else:
                for pos in range(units):
                    self.vin_serial += 1
                    yield "booking_vehicles", (
                        bid, pos, make_vin(rng, self.vin_serial), "", rng.choice(BRANDS), rng.choice(COLOURS),
                        "%.1f" % rng.choice([1.5, 2.0, 2.4, 3.0]), str(rng.choice([110, 150, 180, 240])), "", holding,
                        org)
            self.history(bid, user, created, path, kind, site)
        yield from self.due(None)

    def history(self, bid, user, created, path, kind, site):
        rows = [(bid, "create", "", "draft", user, created, "")]
        at, state = created, "draft"
        for action in path:
            at += self.rng.randrange(300, 3 * DAY_S if action in ("pass", "expire") else 6 * 3600)
            actor = user
            if action in ("approve", "reject"):
                actor = self.warehouse_user if kind == "heavy_truck" and site in self.sites["listed"] \
                    else self.bureau_user
            rows.append((bid, action, state, TO_STATE[action], actor, at,
                         "车牌号与报关单不符" if action == "reject" else ""))
            state = TO_STATE[action]
        for r in rows:
            heapq.heappush(self.events, (r[5], bid, r))

    def due(self, until):
        while self.events and (until is None or self.events[0][0] <= until):
            yield "booking_history", heapq.heappop(self.events)[2]


def _date(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t + 8 * 3600))   # a Beijing calendar date


COLS = {"bookings": BOOKING_COLS, "booking_plates": PLATE_COLS, "booking_vehicles": VEHICLE_COLS,
        "booking_history": HISTORY_COLS, "organisations": ORG_COLS, "users": USER_COLS}


def org_rows(first_org, first_user, password_hash, base_org, base_user):
    """The extra enterprises and their accounts; returns (orgs in Zipf order, user of each, rows)."""
    orgs, users, rows = [base_org], {base_org: base_user}, []
    for k in range(1, ENTERPRISES):
        oid, uid = first_org + k - 1, first_user + k - 1
        rows.append(("organisations", (oid, "压测企业%04d" % k, "enterprise", START)))
        name = "bench_ent%04d" % k
        rows.append(("users", (uid, name, name, "enterprise", oid, password_hash, START)))
        orgs.append(oid)
        users[oid] = uid
    return orgs, users, rows


# ---- SQLite ----

def sqlite_load(path, count):
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    ctx = context(lambda sql: db.execute(sql).fetchall())
    insert = {t: "INSERT INTO %s (%s) VALUES (%s)" % (t, ",".join(c), ",".join("?" * len(c))) for t, c in COLS.items()}
    batch = {t: [] for t in COLS}
    db.execute("BEGIN")
    for table, row in ctx["org_rows"]:
        db.execute(insert[table], row)
    for table, row in generator(ctx, count).rows():
        b = batch[table]
        b.append(row)
        if len(b) >= 10000:
            db.executemany(insert[table], b)
            b.clear()
    for table in ["bookings", "booking_plates", "booking_vehicles", "booking_history"]:
        db.executemany(insert[table], batch[table])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def context(query):
    """What the generator needs from the seeded database."""
    one = lambda sql: query(sql)[0]
    base_user, base_org, password_hash = one("SELECT id, org_id, password_hash FROM users WHERE username = 'bench_ent'")
    bureau = one("SELECT id FROM users WHERE username = 'bench_bureau'")[0]
    warehouse = one("SELECT id FROM users WHERE username = 'bench_wh'")[0]
    sites = {"listed": [r[0] for r in query("SELECT id FROM sites WHERE kind = 0 ORDER BY id")],
             "other": [r[0] for r in query("SELECT id FROM sites WHERE kind <> 0 ORDER BY id")]}
    first_org = one("SELECT COALESCE(MAX(id), 0) + 1 FROM organisations")[0]
    first_user = one("SELECT COALESCE(MAX(id), 0) + 1 FROM users")[0]
    first_booking = one("SELECT COALESCE(MAX(id), 0) + 1 FROM bookings")[0]
    orgs, users, rows = org_rows(int(first_org), int(first_user), password_hash, int(base_org), int(base_user))
    return {"org_rows": rows, "orgs": orgs, "users": users, "sites": sites, "first_booking": int(first_booking),
            "bureau": int(bureau), "warehouse": int(warehouse)}


def generator(ctx, count):
    return Gen(ctx["first_booking"], count, ctx["orgs"], ctx["users"], ctx["sites"], ctx["bureau"], ctx["warehouse"])


# ---- PostgreSQL: COPY files and the script that loads them ----

def copy_text(v):
    if v is None:
        return "\\N"
    return str(v)


def psql_query(url):
    def query(sql):
        out = subprocess.run(["psql", url, "-XAtq", "-F", "\t", "-c", sql], check=True, capture_output=True,
                             text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    return query


def pg_write(url, folder, count):
    ctx = context(psql_query(url))
    files = {t: open(os.path.join(folder, t + ".tsv"), "w", encoding="utf-8") for t in COLS}
    for table, row in ctx["org_rows"]:
        files[table].write("\t".join(map(copy_text, row)) + "\n")
    for table, row in generator(ctx, count).rows():
        files[table].write("\t".join(map(copy_text, row)) + "\n")
    for f in files.values():
        f.close()
    out = ["\\set ON_ERROR_STOP on", "BEGIN;"]
    for t in ["organisations", "users", "bookings", "booking_plates", "booking_vehicles", "booking_history"]:
        out.append("\\copy %s (%s) FROM '%s'" % (t, ",".join(COLS[t]), os.path.join(folder, t + ".tsv")))
    for t in ["organisations", "users", "bookings", "booking_history"]:
        out.append("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s));" % (t, t))
    # VACUUM as autovacuum would soon after a bulk load: the visibility map lets the
    # index-only scans of the searches skip the heap (without it, first measures are slower)
    out += ["COMMIT;", "VACUUM ANALYZE;"]
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sqlite":
        sqlite_load(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "pg":
        pg_write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
