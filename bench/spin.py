#!/usr/bin/env python3
"""A reference article spinner for benchmarks and tuning.

It rewrites clean text the way thesaurus spinners do: each word or phrase
of up to three words that the thesaurus knows is, with probability RATE,
replaced by a synonym chosen without regard to context, copying the
capitalisation; numbers, acronyms and everything else are left alone.

The default RATE, 0.5 (0.9 with --realistic, whose lists hold fewer
words), makes the spinner as dense as the real one of seed 002, which
changed 30 % of the dev pair's words (29.9 %, aligned word by word).
Spinning the four clean seed articles changes 12-22 % of their words at
0.25, 24-34 % at 0.5 (--thesaurus both or mythes); with --realistic 6-10 %
at 0.25, 21-27 % at 0.75, 27-36 % at 1.  The benchmarks used 0.25 before
(docs/model.md §6).

Its thesaurus is Aiksaurus's (Moby-derived, Debian package
libaiksaurus-1.2-data), which libunspin does not use, so with
--thesaurus aiksaurus the spinner and the restorer share no word list.
--thesaurus both adds the MyThes lists (headword -> terms) that libunspin
also reads: real spinners use lists of that kind, but a restorer scored on
such text is helped by knowing the spinner's thesaurus, so report which
setting a figure comes from.  --thesaurus mythes uses the MyThes lists
alone: a spinner whose lists the Moby thesaurus (which the default
dictionary can compile in, and from which Aiksaurus derives) does not hold.

A synonym is chosen uniformly from the list.  With --frequencies TEXT and
--choice frequency, it is chosen with probability proportional to its
frequency in TEXT (plus one) instead.  Uniform choice is the default because
it is what the real spinner of seed 002 looks like: of the dev pair's 33
substitutions, the spun wording is rarer in the Brown corpus than the
original in 25 (76 %; median log frequency ratio -1.6); spinning the clean
seed articles with uniform choice gives 67-73 % (median -1.2 to -2.5), with
frequency-weighted choice 31-49 % (median 0 to +0.6).

Each phrase is decided once per document: with probability RATE it is
spun, always to the same synonym, at each occurrence with probability
REPEAT (default 0.9); else nowhere.  That too is what the real spinner of
seed 002 does: of the originals of the dev pair's substituted content
words, only "only" occurs unreplaced anywhere in seed 002's 532 words
(once, against two replaced), and the others the original wrote more than
once ("said", "agency", "defense", "also") were replaced every time (9 of
9; with "only", 11 of 12), by one synonym each but for "also"
("additionally", "in addition").  --per-occurrence decides and draws for
every occurrence apart, as this spinner did before.

--realistic imitates the real spinner of seed 002 more closely (it needs
--frequencies): MyThes terms only where they are synonyms or similar terms,
not generic or related ones ("Sweden" never becomes "Scandinavian nation");
no word among the 100 most frequent of TEXT spun on its own ("a" never
becomes "letter", "in" never "inch"); and names left alone (a capitalised
word that TEXT never has in lower case: "Tallinn").

--profile-out FILE writes the spinner's list as a spinner profile
(`key|synonym|...`, the format `unspin --profile` reads): every group whose
key or one of whose synonyms occurs in the text, which are all the groups a
restorer could use on it.  With it, `bench/tune.py --profile` scores the
profile source as a user who has the spinner's list would use it.

usage: spin.py [--rate R] [--seed N] [--repeat Q | --per-occurrence]
               [--thesaurus aiksaurus|both|mythes]
               [--frequencies TEXT [--realistic]] [--choice uniform|frequency]
               [--aiksaurus DIR] [--mythes FILE]
               [--profile-out FILE] < clean.txt > spun.txt
"""
import argparse
import io
import random
import re
import struct
import sys

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def load_aiksaurus(directory):
    """Returns {phrase: [synonym, ...]} from words.dat and meanings.dat."""
    with open(f"{directory}/words.dat", "rb") as f:
        wdata = f.read()
    with open(f"{directory}/meanings.dat", "rb") as f:
        mdata = f.read()
    words, meanings_of = [], []
    i = 0
    while i < len(wdata):
        j = wdata.index(b"\0", i)
        words.append(wdata[i:j].decode("latin-1").replace(":", " "))
        i = j + 1
        ids = []
        while True:
            (v,) = struct.unpack(">H", wdata[i:i + 2])
            i += 2
            if v == 0xFFFF:
                break
            ids.append(v)
        meanings_of.append(ids)
    meanings = []
    i = 0
    while i + 1 < len(mdata):
        ids = []
        while i + 1 < len(mdata):
            (v,) = struct.unpack(">H", mdata[i:i + 2])
            i += 2
            if v == 0xFFFF:
                break
            ids.append(v)
        meanings.append(ids)
    syn = {}
    for w, ms in enumerate(meanings_of):
        out = []
        for m in ms:
            if m < len(meanings):
                out.extend(words[x] for x in meanings[m] if x < len(words) and x != w)
        if out:
            syn[words[w].lower()] = sorted(set(out))
    return syn


def load_mythes(path, synonyms_only=False):
    """Returns {headword: [term, ...]} from a MyThes .dat file, antonyms dropped
    (with synonyms_only, generic and related terms too)."""
    syn = {}
    head = None
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith("("):
                head = line.split("|")[0].lower()
                continue
            for t in line.split("|")[1:]:
                if t.endswith("(antonym)"):
                    continue
                if synonyms_only and t.endswith(")") and not t.endswith("(similar term)"):
                    continue
                t = re.sub(r" \(.*\)$", "", t)
                if t.lower() != head and len(t.split()) <= 3:
                    syn.setdefault(head, set()).add(t)
    return {k: sorted(v) for k, v in syn.items()}


def copy_case(src, word):
    if src.isupper() and len(src) > 1:
        return word.upper()
    if src[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def default_rate(realistic):
    """The rate that makes the spinner as dense as the real one (above)."""
    return 0.9 if realistic else 0.5


def choose(options, freq, rng):
    if not freq:
        return rng.choice(options)
    weights = [freq.get(o.lower(), 0) + 1 for o in options]
    return rng.choices(options, weights=weights)[0]


def spin_line(line, syn, rate, rng, freq=None, skip=None, chosen=None, repeat=1.0):
    """Spins one line.  With `chosen` (a dict kept across the lines of one
    document), each phrase is decided once: spun with one synonym (each
    occurrence with probability `repeat`), or nowhere."""
    toks = list(WORD.finditer(line))
    out, at, i = [], 0, 0
    while i < len(toks):
        done = False
        for n in (3, 2, 1):
            if i + n > len(toks):
                continue
            span = toks[i:i + n]
            # the words of a phrase must be separated by single spaces
            if any(line[a.end():b.start()] != " " for a, b in zip(span, span[1:])):
                continue
            phrase = " ".join(t.group(0) for t in span).lower().replace("’", "'")
            # acronyms are names: spinners leave them alone
            acronym = any(t.group(0).isupper() and len(t.group(0)) > 1 for t in span)
            if skip and skip(span, phrase):
                acronym = True
            choice = None
            if phrase in syn and not acronym:
                if chosen is None:
                    choice = choose(syn[phrase], freq, rng) if rng.random() < rate else None
                else:
                    if phrase not in chosen:
                        chosen[phrase] = (choose(syn[phrase], freq, rng)
                                          if rng.random() < rate else None)
                    choice = chosen[phrase] if rng.random() < repeat else None
            if choice is not None:
                out.append(line[at:span[0].start()])
                out.append(copy_case(span[0].group(0), choice))
                at = span[-1].end()
                i += n
                done = True
                break
            if phrase in syn:
                break  # the longest known phrase was considered; do not split it
        if not done:
            i += 1
    out.append(line[at:])
    return "".join(out)


def phrases_of(text):
    """The lower-case phrases of one to three words of the text."""
    out = set()
    for line in text.splitlines():
        toks = [t.group(0).lower().replace("’", "'") for t in WORD.finditer(line)]
        for n in (1, 2, 3):
            for i in range(len(toks) - n + 1):
                out.add(" ".join(toks[i:i + n]))
    return out


def write_profile(path, syn, text):
    """Writes the groups of the list that could fire on the text (see above)."""
    seen = phrases_of(text)
    with open(path, "w", encoding="utf-8") as f:
        for key in sorted(syn):
            terms = [t for t in syn[key] if "|" not in t]
            if terms and "|" not in key and (key in seen or any(t.lower() in seen for t in terms)):
                f.write("|".join([key] + terms) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float,
                    help="share of the phrases spun (default 0.5, with --realistic 0.9)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--thesaurus", choices=["aiksaurus", "both", "mythes"], default="aiksaurus")
    ap.add_argument("--aiksaurus", default="/usr/share/aiksaurus")
    ap.add_argument("--mythes", default="/usr/share/mythes/th_en_US_v2.dat")
    ap.add_argument("--frequencies", help="text whose word counts weight the choice")
    ap.add_argument("--choice", choices=["uniform", "frequency"], default="uniform",
                    help="draw synonyms uniformly or (with --frequencies) by frequency")
    ap.add_argument("--realistic", action="store_true",
                    help="synonyms only, no lone frequent words, no names (needs --frequencies)")
    ap.add_argument("--repeat", type=float, default=0.9,
                    help="chance that a phrase chosen for spinning is spun at each occurrence")
    ap.add_argument("--per-occurrence", action="store_true",
                    help="decide and draw for every occurrence of a phrase apart, not once "
                         "per document")
    ap.add_argument("--profile-out", metavar="FILE",
                    help="write the spinner's list as an unspin profile (the groups that "
                         "could fire on this text)")
    args = ap.parse_args()
    if args.rate is None:
        args.rate = default_rate(args.realistic)
    if not 0 <= args.rate <= 1 or not 0 <= args.repeat <= 1:
        ap.error("--rate and --repeat are probabilities (0 to 1)")
    if args.realistic and not args.frequencies:
        ap.error("--realistic needs --frequencies")
    if args.choice == "frequency" and not args.frequencies:
        ap.error("--choice frequency needs --frequencies")
    freq, lower = {}, set()
    if args.frequencies:
        with open(args.frequencies, encoding="utf-8", errors="replace") as f:
            for line in f:
                for w in WORD.findall(line):
                    freq[w.lower()] = freq.get(w.lower(), 0) + 1
                    if w.islower():
                        lower.add(w)
    skip = None
    if args.realistic:
        frequent = set(sorted(freq, key=lambda w: -freq[w])[:100])

        def skip(span, phrase):
            if len(span) == 1 and phrase in frequent:
                return True
            return any(t.group(0)[:1].isupper() and t.group(0).lower() not in lower for t in span)
    syn = {} if args.thesaurus == "mythes" else load_aiksaurus(args.aiksaurus)
    if args.thesaurus != "aiksaurus":
        for k, v in load_mythes(args.mythes, args.realistic).items():
            syn[k] = sorted(set(syn.get(k, [])) | set(v))
    rng = random.Random(args.seed)
    text = sys.stdin.read()
    if args.profile_out:
        write_profile(args.profile_out, syn, text)
    chosen = None if args.per_occurrence else {}
    for line in io.StringIO(text):  # lines as reading stdin gives them
        sys.stdout.write(spin_line(line, syn, args.rate, rng,
                                   freq if args.choice == "frequency" else None, skip, chosen,
                                   args.repeat))


if __name__ == "__main__":
    main()
