"""The README quick start's sample comes back restored.

usage: sample.py UNSPIN DEFAULT_DICT DATA_DIR

DATA_DIR/sample-thesaurus-spun.txt is DATA_DIR/sample-original.txt spun by
bench/spin.py from MyThes (tests/data/README.md).  With the default
dictionary, unspin must call it spun and restore at least MIN_RESTORED of
its spun spans to the original wording, with at most MAX_FALSE_EDITS edits
that are not the original's.  The spun spans are the word-level
differences between the spun text and the original; the edits, those
between the spun text and unspin's output.  The original, a clean text,
must come out unchanged.  Exits 77 (skipped) without the default
dictionary.
"""
import difflib
import os
import re
import subprocess
import sys

MIN_RESTORED = 5
MAX_FALSE_EDITS = 1

UNSPIN, DICT, DATA = sys.argv[1:4]
if not os.path.exists(DICT):
    print("no default dictionary (built without it): skipped")
    sys.exit(77)
ENV = dict(os.environ, UNSPIN_DEFAULT_DICT=DICT)
SPUN = os.path.join(DATA, "sample-thesaurus-spun.txt")
ORIG = os.path.join(DATA, "sample-original.txt")


def words(text):
    return re.findall(r"\w+(?:['’]\w+)*", text)


def edits(a, b):
    """{(start, end) in a: the words of b that replace a[start:end]}."""
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return {(i1, i2): b[j1:j2] for op, i1, i2, j1, j2 in m.get_opcodes() if op != "equal"}


def unspin(path, *args):
    p = subprocess.run([UNSPIN, *args, path], env=ENV, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


failures = []
with open(SPUN, encoding="utf-8") as f:
    spun_text = f.read()
with open(ORIG, encoding="utf-8") as f:
    orig_text = f.read()
rc, detect, _ = unspin(SPUN, "--detect")
if rc != 1 or ": spun " not in detect:
    failures.append("the sample is not called spun: %r (exit %d)" % (detect, rc))
rc, out, err = unspin(SPUN)
if rc != 0:
    failures.append("unspin failed (exit %d): %s" % (rc, err))
spun, orig = words(spun_text), words(orig_text)
spans = edits(spun, orig)
made = edits(spun, words(out))
restored = sum(1 for at, w in made.items() if spans.get(at) == w)
false_edits = len(made) - restored
print("sample: restored %d of %d spun spans, %d false edits" % (restored, len(spans), false_edits))
if restored < MIN_RESTORED:
    failures.append("restored %d spans, fewer than %d" % (restored, MIN_RESTORED))
if false_edits > MAX_FALSE_EDITS:
    failures.append("%d false edits, more than %d" % (false_edits, MAX_FALSE_EDITS))
rc, out, _ = unspin(ORIG)
if rc != 0 or out != orig_text:
    failures.append("the original is not written out unchanged")
for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
