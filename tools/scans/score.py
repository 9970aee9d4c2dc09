#!/usr/bin/env python3
"""Score kept outputs of tools/scans/run.sh with tests/tools/score.py's rules, per scanner class
(the _s150b, _s200g ... suffix tools/gen2/scan2.py gives each scan), and compare two binaries' outputs.

  tools/scans/score.py OUTDIR SETDIR               core and all fields per class, values wrong at >= 0.9
  tools/scans/score.py OUTDIR SETDIR --base OUT0   and the fields OUTDIR gets right that OUT0 did not (WON),
                                                   and the other way round (LOST)
  tools/scans/score.py OUTDIR SETDIR --wrong       the core fields wrong, counted by field, then each
"""
import argparse, collections, glob, json, os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "tools"))
import score as S  # noqa: E402

CLASSES = ["150b", "150g", "200b", "200g", "300b", "300g"]
SURE = 0.9


def fields(truth, got):
    """(key, right, confidence, core) of every value score.py scores, items included."""
    conf = got.get("confidence") if isinstance(got.get("confidence"), dict) else {}
    for key in S.leaf_keys(truth):
        yield key, S.same(key, S.dig(truth, key), S.dig(got, key, S.MISSING)), conf.get(key), key in S.CORE
    gitems = got.get("items") if isinstance(got.get("items"), list) else []
    for i, item in enumerate(truth.get("items") or []):
        gitem = gitems[i] if i < len(gitems) and isinstance(gitems[i], dict) else {}
        for key in S.ITEM_KEYS:
            if S.dig(item, key) is not None:
                path = "items.%d.%s" % (i, key)
                yield path, S.same(key, S.dig(item, key), S.dig(gitem, key, S.MISSING)), conf.get(path), False


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
        return got if isinstance(got, dict) else {}
    except (OSError, ValueError):
        return {}


def load(outdir, setdir):
    """{scan name: (truth, output, [fields])}"""
    res = {}
    for pdf in sorted(glob.glob(os.path.join(setdir, "*.pdf"))):
        name = os.path.basename(pdf)[:-4]
        truth = load_json(pdf[:-4] + ".json")
        got = load_json(os.path.join(outdir, name + ".json"))
        res[name] = (truth, got, list(fields(truth, got)))
    return res


def scanner_class(name):
    m = re.search(r"_s(\d+[bg])$", name)
    return m.group(1) if m else "-"


def print_classes(res):
    sums = collections.defaultdict(lambda: [0, 0, 0, 0, 0])  # core right, core, all right, all, sure wrong
    for name, (_, _, fs) in res.items():
        for total in (sums[scanner_class(name)], sums["all"]):
            for _, ok, conf, core in fs:
                total[0] += ok and core
                total[1] += core
                total[2] += ok
                total[3] += 1
                total[4] += not ok and isinstance(conf, (int, float)) and conf >= SURE
    for c in [c for c in CLASSES if c in sums] + sorted(c for c in sums if c not in CLASSES + ["all"]) + ["all"]:
        t = sums[c]
        print("%-5s core %5.1f%% (%d/%d)  all fields %5.1f%%  wrong at >= 0.9: %d"
              % (c, 100.0 * t[0] / max(t[1], 1), t[0], t[1], 100.0 * t[2] / max(t[3], 1), t[4]))


def print_changes(base, res):
    won = lost = won_core = lost_core = 0
    for name, (_, _, fs) in res.items():
        for (key, ok0, _, core), (_, ok, _, _) in zip(base[name][2], fs):
            if ok != ok0:
                print("%s %s %s%s" % ("WON " if ok else "LOST", name, key, " (core)" if core else ""))
                won, lost = won + ok, lost + (not ok)
                won_core, lost_core = won_core + (ok and core), lost_core + (not ok and core)
    print("won %d (core %d), lost %d (core %d)" % (won, won_core, lost, lost_core))


def print_wrong(res):
    counts, lines = collections.Counter(), []
    for name, (truth, got, fs) in res.items():
        for key, ok, _, core in fs:
            if core and not ok:
                counts[key] += 1
                lines.append("%s %s: want %s, got %s" % (name, key,
                             json.dumps(S.dig(truth, key), ensure_ascii=False)[:100],
                             json.dumps(S.dig(got, key), ensure_ascii=False)[:100]))
    for key, n in counts.most_common():
        print(n, key)
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("setdir")
    ap.add_argument("--base", help="another binary's kept outputs of the same set")
    ap.add_argument("--wrong", action="store_true")
    args = ap.parse_args()
    res = load(args.outdir, args.setdir)
    if not res:
        sys.exit("no PDF with an expected .json beside it in " + args.setdir)
    if args.wrong:
        print_wrong(res)
        return
    print_classes(res)
    if args.base:
        print_changes(load(args.base, args.setdir), res)


if __name__ == "__main__":
    main()
