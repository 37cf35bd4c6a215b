#!/usr/bin/env python3
"""Tunes the restoration model's channel parameters on synthetic data.

Leave-one-out over clean articles of one story: for each article, a phrase
dictionary is built from the others, the article is spun with bench/spin.py
(--thesaurus: Aiksaurus and MyThes lists by default; mythes for MyThes alone,
a spinner whose lists the Moby thesaurus in the default dictionary does not
hold, Aiksaurus being Moby-derived), and `unspin` restores it with and
without that dictionary.  The same is done for the clean article, where
every change is a false edit.  Each parameter setting of a grid is scored by

    recall - 10 * (clean words changed) - 3 * (false edits in spun text)

averaged over articles and the two dictionary settings, and the best
settings are printed.  The shared dev pair is not used.

usage: tune.py --unspin BIN --scorer score_restore.py [--thesaurus both,mythes]
               [--frequencies TEXT] --grid NAME=V1,V2 ... CLEAN.txt...
"""
import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def score(scorer, spun, gold, out):
    line = run([sys.executable, scorer, spun, gold, out]).stdout.decode()
    m = re.search(r"restored=(\d+)/(\d+) .* false_edits=(\d+)/(\d+)", line)
    return tuple(int(x) for x in m.groups())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unspin", required=True)
    ap.add_argument("--scorer", required=True)
    ap.add_argument("--rate", type=float, default=0.25)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--thesaurus", default="both",
                    help="passed to spin.py; a comma-separated list spins every article with "
                         "each, and the objective averages over them")
    ap.add_argument("--frequencies", help="passed to spin.py")
    ap.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                    help="a parameter and the values to try (repeatable)")
    ap.add_argument("clean", nargs="+")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="unspin-tune.")
    cases = []
    for i, path in enumerate(a.clean):
        others = [p for p in a.clean if p != path]
        d = os.path.join(tmp, f"loo{i}.undict")
        run([a.unspin, "build", "-o", d] + others)
        for th in a.thesaurus.split(","):
            spun = os.path.join(tmp, f"spun{i}.{th}.txt")
            with open(path, "rb") as src, open(spun, "wb") as dst:
                dst.write(run([sys.executable, os.path.join(HERE, "spin.py"), "--rate",
                               str(a.rate), "--seed", str(i + 1), "--thesaurus", th] +
                              (["--frequencies", a.frequencies] if a.frequencies else []),
                              input=src.read()).stdout)
            cases.append((path, spun, d))
    grid = {}
    for spec in a.grid:
        name, values = spec.split("=")
        grid[name] = [float(v) for v in values.split(",")]
    results = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid.keys(), values))
        flags = [f"--param={k}={v}" for k, v in params.items()]
        total, n = 0.0, 0
        detail = []
        for clean, spun, d in cases:
            for dicts in (["-d", d], []):
                out = os.path.join(tmp, "out.txt")
                with open(out, "wb") as f:
                    f.write(run([a.unspin] + dicts + flags + [spun]).stdout)
                r, s, fe, fu = score(a.scorer, spun, clean, out)
                with open(out, "wb") as f:
                    f.write(run([a.unspin] + dicts + flags + [clean]).stdout)
                _, _, ce, cu = score(a.scorer, clean, clean, out)
                recall, fer, cer = r / max(s, 1), fe / max(fu, 1), ce / max(cu, 1)
                total += recall - 10 * cer - 3 * fer
                n += 1
                detail.append((recall, fer, cer))
        avg = [sum(x[k] for x in detail) / len(detail) for k in range(3)]
        results.append((total / n, params, avg))
        print(f"{total / n:+.4f} recall={avg[0]:.3f} false={avg[1]:.4f} clean={avg[2]:.4f} {params}",
              flush=True)
    results.sort(key=lambda x: -x[0])
    print("best:")
    for obj, params, avg in results[:a.top]:
        print(f"{obj:+.4f} recall={avg[0]:.3f} false={avg[1]:.4f} clean={avg[2]:.4f} {params}")


if __name__ == "__main__":
    main()
