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

A real spinner's lists are not the restorer's: in seed 002 "great" became
"nice" and "training" "coaching", pairs neither MyThes nor Moby links, which
only the story's n-grams can repair.  --hide F rebuilds the general
dictionary from the texts in --general DIR (the build's dictionaries/
directory) with a fraction F of the thesaurus links removed, both ways, from
MyThes and from the Moby list (the pairs chosen by a hash, the same in every
run), while the spinner keeps them all: about F of its substitutions are
then links the restorer does not know.

With --profile, every restoration (of the spun and of the clean article)
also loads the spinner's list as a spinner profile (`spin.py --profile-out`:
the groups of its list that could fire on the article), as a user who has
the spinner's list would: that scores the profile source's weight.

usage: tune.py --unspin BIN --scorer score_restore.py [--thesaurus both,mythes]
               [--frequencies TEXT [--realistic]] [--choice uniform|frequency]
               [--per-occurrence] [--hide F --general DIR] [--profile]
               --grid NAME=V1,V2 ...
               CLEAN.txt...
"""
import argparse
import hashlib
import itertools
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def hidden(a, b, fraction):
    """Whether the link between phrases a and b is hidden (symmetric)."""
    key = "\t".join(sorted((a.lower(), b.lower()))).encode()
    return int.from_bytes(hashlib.sha1(key).digest()[:4], "big") < fraction * 2**32


def strip_term(term):
    return re.sub(r" \(.*\)$", "", term)


def filter_mythes(src, dst, fraction):
    """Copies a MyThes .dat file without the hidden links."""
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        out.write(next(f))
        head = None
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith("("):
                head = line.split("|")[0]
                out.write(line + "\n")
                continue
            parts = line.split("|")
            keep = [t for t in parts[1:] if not hidden(head, strip_term(t), fraction)]
            out.write("|".join([parts[0]] + keep) + "\n")


def filter_list(src, dst, fraction):
    """Copies a flat synonym list (headword,term,...) without the hidden links."""
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            parts = line.rstrip("\n").split(",")
            keep = [t for t in parts[1:] if not hidden(parts[0], t, fraction)]
            if keep:
                out.write(",".join([parts[0]] + keep) + "\n")


def general_dictionary(a, tmp):
    """Builds the general dictionary with a fraction a.hide of the links hidden."""
    th = os.path.join(tmp, "th.dat")
    filter_mythes(a.mythes, th, a.hide)
    cmd = [a.unspin, "build", "--order", "3", "--thesaurus", th]
    moby = os.path.join(a.general, "moby.list")
    if os.path.exists(moby):
        lst = os.path.join(tmp, "moby.list")
        filter_list(moby, lst, a.hide)
        cmd += ["--synonym-list", lst]
    texts = [os.path.join(a.general, t) for t in ("brown.txt", "sotu.txt", "wordnet.txt")]
    out = os.path.join(tmp, "general.undict")
    run(cmd + ["-o", out] + [t for t in texts if os.path.exists(t)])
    return out


def score(scorer, spun, gold, out):
    line = run([sys.executable, scorer, spun, gold, out]).stdout.decode()
    m = re.search(r"restored=(\d+)/(\d+) .* false_edits=(\d+)/(\d+)", line)
    return tuple(int(x) for x in m.groups())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unspin", required=True)
    ap.add_argument("--scorer", required=True)
    ap.add_argument("--rate", type=float, help="passed to spin.py (default: spin.py's)")
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--thesaurus", default="both",
                    help="passed to spin.py; a comma-separated list spins every article with "
                         "each, and the objective averages over them")
    ap.add_argument("--frequencies", help="passed to spin.py")
    ap.add_argument("--realistic", action="store_true", help="passed to spin.py")
    ap.add_argument("--choice", choices=["uniform", "frequency"], default="uniform",
                    help="passed to spin.py (frequency needs --frequencies)")
    ap.add_argument("--per-occurrence", action="store_true", help="passed to spin.py")
    ap.add_argument("--hide", type=float, default=0.0,
                    help="fraction of thesaurus links the restorer does not know")
    ap.add_argument("--general", help="directory holding the default dictionary's sources")
    ap.add_argument("--mythes", default="/usr/share/mythes/th_en_US_v2.dat")
    ap.add_argument("--profile", action="store_true",
                    help="restore with the spinner's list loaded as a spinner profile")
    ap.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                    help="a parameter and the values to try (repeatable)")
    ap.add_argument("clean", nargs="+")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="unspin-tune.")
    env = dict(os.environ)
    if a.hide > 0:
        if not a.general:
            ap.error("--hide needs --general DIR")
        env["UNSPIN_DEFAULT_DICT"] = general_dictionary(a, tmp)
    cases = []
    for i, path in enumerate(a.clean):
        others = [p for p in a.clean if p != path]
        d = os.path.join(tmp, f"loo{i}.undict")
        run([a.unspin, "build", "-o", d] + others)
        for th in a.thesaurus.split(","):
            spun = os.path.join(tmp, f"spun{i}.{th}.txt")
            profile = os.path.join(tmp, f"spun{i}.{th}.profile")
            with open(path, "rb") as src, open(spun, "wb") as dst:
                dst.write(run([sys.executable, os.path.join(HERE, "spin.py"),
                               "--seed", str(i + 1), "--thesaurus", th] +
                              (["--rate", str(a.rate)] if a.rate is not None else []) +
                              (["--frequencies", a.frequencies] if a.frequencies else []) +
                              (["--realistic"] if a.realistic else []) +
                              ["--choice", a.choice] +
                              (["--per-occurrence"] if a.per_occurrence else []) +
                              (["--profile-out", profile] if a.profile else []),
                              input=src.read()).stdout)
            cases.append((path, spun, d, ["--profile", profile] if a.profile else []))
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
        for clean, spun, d, profile in cases:
            for dicts in (["-d", d] + profile, profile):
                out = os.path.join(tmp, "out.txt")
                with open(out, "wb") as f:
                    f.write(run([a.unspin] + dicts + flags + [spun], env=env).stdout)
                r, s, fe, fu = score(a.scorer, spun, clean, out)
                with open(out, "wb") as f:
                    f.write(run([a.unspin] + dicts + flags + [clean], env=env).stdout)
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
