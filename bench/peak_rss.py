#!/usr/bin/env python3
"""Peak resident memory of commands, each run as a child process.

    peak_rss.py [--runs N] -- CMD ARG... [:: CMD ARG...]...

Prints one line per command: the largest peak RSS (KiB) over N runs, taken
from wait4's rusage of that child alone. Output is discarded."""
import os
import subprocess
import sys


def peak_kib(argv, runs):
    worst = 0
    for _ in range(runs):
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        worst = max(worst, ru.ru_maxrss)
    return worst


def main():
    args = sys.argv[1:]
    runs = 1
    if args[:1] == ["--runs"]:
        runs = int(args[1])
        args = args[2:]
    if args[:1] != ["--"]:
        sys.exit(__doc__)
    cmds, cur = [], []
    for a in args[1:] + ["::"]:
        if a == "::":
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    for c in cmds:
        print(peak_kib(c, runs))


main()
