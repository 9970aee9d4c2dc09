#!/usr/bin/env python3
"""Bookings created and submitted per second over many enterprises, then gate
scans per second (verify the code and record the passage), against a running
`kouan serve --demo`. Not part of the tests; bench/proof.sh starts the server.

  bench/proof_load.py BASE_URL PASSWORD ENTERPRISES PER_ENTERPRISE

The enterprises bench_ent0..N-1 (each its own organisation), bench_bureau,
bench_gate and demo_warehouse1 (password from the environment variable
WAREHOUSE_PW) must exist. One keep-alive connection per enterprise; the client
is Python threads, so the figures are a lower bound of the server's."""
import datetime
import http.client
import json
import sys
import threading
import time
import urllib.parse

BASE, PW, N_ENT, PER_ENT = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
import os
WH_PW = os.environ["WAREHOUSE_PW"]
HOST = urllib.parse.urlparse(BASE)
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
TOMORROW = (datetime.datetime.now(BEIJING) + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
CHOICES = {"clearance_mode": "一般申报", "cargo_type": "一般货物", "customs_warehouse": "国际物流园监管库",
           "contact": "13912345678", "transshipment_site_id": 1, "crossing_date": TOMORROW, "is_transit": True,
           "truck_count": 1}


class Client:
    def __init__(self, user, pw):
        self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port)
        self.headers = {"Content-Type": "application/json"}
        r = self.call("POST", "/api/v1/session", {"username": user, "password": pw})
        self.headers["Cookie"] = self.cookie
        self.headers["X-CSRF-Token"] = r["csrf_token"]

    def call(self, method, path, body=None, want=None):
        data = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, data, self.headers)
            resp = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed the idle keep-alive connection before the request went out: again, once
            self.conn.close()
            self.conn.request(method, path, data, self.headers)
            resp = self.conn.getresponse()
        data = resp.read()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie" and v.startswith("kouan_session="):
                self.cookie = v.split(";")[0]
        if want is not None and resp.status != want:
            raise RuntimeError(f"{method} {path} -> {resp.status} {data[:200]!r}")
        return json.loads(data) if data else None


def parallel(fn, items):
    threads = [threading.Thread(target=fn, args=(i,)) for i in items]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0


def main():
    bureau = Client("bench_bureau", PW)
    bureau.call("PUT", "/api/v1/capacity/defaults", {"grace_minutes": 1440}, 200)
    bureau.call("PUT", "/api/v1/capacity", {"date": TOMORROW, "kind": "heavy_truck", "capacity": 100000}, 200)
    ents = [Client(f"bench_ent{i}", PW) for i in range(N_ENT)]
    booked = [[] for _ in range(N_ENT)]
    errors = []

    def book(i):
        c = ents[i]
        try:
            for k in range(PER_ENT):
                n = i * PER_ENT + k
                b = c.call("POST", "/api/v1/bookings", {"kind": "heavy_truck"}, 201)
                c.call("PATCH", f"/api/v1/bookings/{b['id']}",
                       dict(CHOICES, declaration_no=f"9402202601{n:08d}", plates=[f"新F{n:05d}"]), 200)
                c.call("POST", f"/api/v1/bookings/{b['id']}/submit", None, 200)
                booked[i].append(b["id"])
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(str(e))

    secs = parallel(book, range(N_ENT))
    total = sum(len(b) for b in booked)
    print(f"  bookings created+submitted: {total} over {N_ENT} enterprises in {secs:.2f} s = "
          f"{total / secs:.0f} /s ({3 * total / secs:.0f} requests/s)" + (f"  ERRORS {len(errors)}: {errors[0]}" if errors else ""))

    # gate scans: approve (warehouse 1, in batches) and fetch the codes first, untimed
    wh = Client("demo_warehouse1", WH_PW)
    ids = [i for b in booked for i in b]
    for k in range(0, len(ids), 100):
        wh.call("POST", "/api/v1/approvals/batch", {"action": "approve", "ids": ids[k:k + 100]}, 200)
    tokens = [[] for _ in range(N_ENT)]

    def fetch(i):
        for bid in booked[i]:
            tokens[i].append(ents[i].call("GET", f"/api/v1/bookings/{bid}/release", None, 200)["token"])

    parallel(fetch, range(N_ENT))
    gates = [Client("bench_gate", PW) for _ in range(N_ENT)]
    greens = [0] * N_ENT

    def scan(i):
        for t in tokens[i]:
            r = gates[i].call("POST", "/api/v1/gate/scans", {"token": t, "gate": "一号卡口"}, 200)
            greens[i] += r["result"] == "green"

    secs = parallel(scan, range(N_ENT))
    n = sum(len(t) for t in tokens)
    print(f"  gate scans (verify + record the passage): {n} over {N_ENT} connections in {secs:.2f} s = "
          f"{n / secs:.0f} /s, green {sum(greens)}/{n}")


main()
