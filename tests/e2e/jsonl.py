"""End-to-end tests of unspin --jsonl and learn --jsonl (docs/jsonl.md).

usage: jsonl.py UNSPIN

Checks that records pass through byte for byte with the results spliced
in, that the results are those of the plain command on the same text, that
the edits rebuild the restored text, that -j N keeps input order, and that
hostile records (truncated lines, 10 MB records, deep nesting, NUL bytes,
invalid UTF-8, a text field that is a number) give error records, never a
crash.
"""
import json
import os
import subprocess
import sys
import tempfile

UNSPIN = sys.argv[1]
T = tempfile.mkdtemp(prefix="unspin-jsonl.")
ENV = dict(os.environ, UNSPIN_DEFAULT_DICT=os.path.join(T, "none"))
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def run(args, data=None):
    p = subprocess.run([UNSPIN] + args, input=data, capture_output=True, env=ENV, timeout=600)
    return p.returncode, p.stdout, p.stderr


def path(name):
    return os.path.join(T, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path(name)


# A story dictionary and a spinner's table, as in cli.sh.
story = ("The spy agency joined the cyber defense group in May 2008.\n"
         "The spy agency said the move risks inflaming tensions.\n")
write("story.txt", story)
write("spinner.profile", "agency|company|firm\nmay|could\n")
rc, _, err = run(["build", "-o", path("story.undict"), path("story.txt")])
assert rc == 0, err
MODEL = ["--no-default-dict", "-d", path("story.undict"), "--profile", path("spinner.profile")]

texts = [
    "The spy company joined the cyber defense group in Could 2008.\n",
    story,
    "Caf\u00e9 \u201cquotes\u201d \u2014 the spy firm said.\r\n\r\nSecond paragraph.",
    "",
    "The spy company said the move risks inflaming tensions. " * 3,
]
lines = []
for i, t in enumerate(texts):
    rec = {"id": i, "url": "https://example.org/%d" % i, "text": t, "meta": {"n": [1, 2.5]}}
    lines.append(json.dumps(rec, ensure_ascii=(i % 2 == 0)))
# hand-written records: a number as written (1.10), an id beyond 64 bits,
# spaces inside and after the object, CRLF
lines.append('{"id": 18446744073709551616, "x": 1.10, "text": "The spy company."}  \r')
lines.append('  { "text" : "Could 2008 was the year." , "id":"s"}')
stream = "\n".join(lines) + "\n"
src = write("records.jsonl", stream)

rc, out, err = run(MODEL + ["--jsonl", src])
check(rc == 0, "--jsonl exit status %d (%s)" % (rc, err))
outs = out.split(b"\n")
check(outs[-1] == b"" and len(outs) - 1 == len(lines), "one output line per record")
records = []
for line_in, line_out in zip(lines, outs):
    raw = line_in.encode().rstrip(b" \r\t")
    head = raw[:-1]
    check(line_out.startswith(head), "record bytes pass through: %r" % line_in[:60])
    try:
        rec = json.loads(line_out)
    except ValueError as e:
        check(False, "output is JSON: %s: %r" % (e, line_out[:80]))
        continue
    records.append((json.loads(line_in), rec))
    for k in ("verdict", "score", "restored", "edits"):
        check(k in rec, "record has %s" % k)
    check(list(rec)[-4:] == ["verdict", "score", "restored", "edits"], "results come last")
check(b'"x": 1.10' in outs[len(texts)], "a number keeps its spelling")
check(b'18446744073709551616' in outs[len(texts)], "an integer beyond 64 bits passes through")

# the results are the plain command's on the same text
for i, (rin, rout) in enumerate(records):
    f = write("text%d.txt" % i, rin["text"])
    _, plain, _ = run(MODEL + [f])
    check(rout["restored"].encode() == plain, "record %d restored as by unspin FILE" % i)
    _, det, _ = run(MODEL + ["--detect", f])
    verdict, score = det.decode().rsplit(" ", 2)[-2:]
    check(rout["verdict"] == verdict, "record %d verdict as --detect" % i)
    check("%.3f" % rout["score"] == score.strip(), "record %d score as --detect" % i)
    # the edits rebuild the restored text from the input bytes
    t = rin["text"].encode()
    rebuilt, at = b"", 0
    for e in rout["edits"]:
        check(t[e["start"]:e["end"]] == e["spun"].encode(), "edit spans the spun bytes")
        rebuilt += t[at:e["start"]] + e["original"].encode()
        at = e["end"]
    rebuilt += t[at:]
    if rout["verdict"] == "spun":
        check(rebuilt == rout["restored"].encode(), "record %d: edits rebuild the text" % i)
first = records[0][1]
check(first["verdict"] == "spun" and
      [(e["spun"], e["original"]) for e in first["edits"]] == [("company", "agency"),
                                                               ("Could", "May")],
      "the spun record's edits: %r" % first["edits"])
check(records[1][1]["verdict"] == "clean" and records[1][1]["edits"] == [],
      "the clean record is clean")

# standard input, and -j 3 over more than one batch gives the same bytes
rc, out_stdin, _ = run(MODEL + ["--jsonl"], stream.encode())
check(rc == 0 and out_stdin == out, "standard input gives the same output")
many = "".join(json.dumps({"id": i, "text": texts[i % 3]}) + "\n" for i in range(700))
rc1, o1, e1 = run(MODEL + ["--jsonl"], many.encode())
rc3, o3, e3 = run(MODEL + ["--jsonl", "-j", "3"], many.encode())
check(rc1 == 0 and (rc1, o1, e1) == (rc3, o3, e3), "-j 3 gives the output of one thread")
check([json.loads(x)["id"] for x in o3.splitlines()] == list(range(700)), "input order kept")

# a record's own fields named as results are replaced, once each
rc, out, _ = run(MODEL + ["--jsonl"], b'{"verdict":"mine","id":1,"text":"x","edits":5}\n')
rec = json.loads(out)
check(rc == 0 and list(rec) == ["id", "text", "verdict", "score", "restored", "edits"]
      and out.count(b'"verdict"') == 1, "clashing fields replaced: %r" % out)

# --text-field
rc, out, _ = run(MODEL + ["--jsonl", "--text-field", "body"],
                 b'{"body":"The spy company joined the cyber defense group in Could 2008."}\n')
check(rc == 0 and json.loads(out)["verdict"] == "spun", "--text-field body")

# --- hostile records: error records, the run goes on -----------------------------
big = "x" * (10 << 20)
hostile = [
    (b'{"id":1,"text":"The spy company."}', None),
    (b'{"id":2,"text":"truncated', "invalid JSON"),
    (b'{"id":3,"text":5}', '"text" is a number, not a string'),
    (b'{"id":4,"body":"no text"}', 'no "text" field'),
    (b'[1,2,3]', "not a JSON object"),
    (b'"a string"', "not a JSON object"),
    (b'{"id":5,"text":"a\\u0000b"}', "NUL character"),
    (b'{"id":6,"text":"raw \x00 nul"}', "invalid JSON"),
    (b'{"id":7,"text":"bad \xff\xfe utf-8"}', "invalid JSON"),
    (b'{"id":8,"deep":' + b"[" * 100000 + b"]" * 100000 + b',"text":"t"}', "invalid JSON"),
    (b'{"id":9,"text":null}', '"text" is null'),
    (b'{"id":10,"html":"' + big.encode() + b'","text":"The spy company."}', None),
    (b'{"id":11,"text":"' + ("word " * 300000).encode() + b'"}', None),
    (b'{"id":12,"text":"The spy company."}', None),
]
data = b"\n".join(h for h, _ in hostile[:-1]) + b"\n\n   \n" + hostile[-1][0]  # blank lines, no final newline
write("hostile.jsonl", data)
rc, out, err = run(MODEL + ["--jsonl", path("hostile.jsonl")])
check(rc == 0, "hostile stream: exit %d (%s)" % (rc, err[-300:]))
outs = out.splitlines()
check(len(outs) == len(hostile), "hostile: one line per record (%d for %d)" % (len(outs), len(hostile)))
line_no = [1 + i for i in range(len(hostile) - 1)] + [len(hostile) + 2]
for (h, want), o, ln in zip(hostile, outs, line_no):
    rec = json.loads(o)
    if want is None:
        check("verdict" in rec and "error" not in rec, "hostile line %d processed" % ln)
    else:
        check(rec.get("line") == ln and want in rec.get("error", ""),
              "line %d: error record with %r: %r" % (ln, want, o[:200]))
        if b'"id":' in h[:8] and want != "invalid JSON":
            check("id" in rec, "line %d: the error record keeps the id" % ln)
check(outs[11].startswith(b'{"id":10,"html":"xxxx') and len(outs[11]) > (10 << 20),
      "the 10 MB record passes through")
check(b"malformed records written as error records (the first at line 2)" in err,
      "stderr counts the malformed records: %r" % err[-300:])
rc, _, err = run(MODEL + ["--jsonl", "-q", path("hostile.jsonl")])
check(rc == 0 and err == b"", "-q: no summary")
# -j 3 on the hostile stream: the same
rc3, out3, err3 = run(MODEL + ["--jsonl", "-j", "3", path("hostile.jsonl")])
check(rc3 == 0 and out3 == out, "hostile stream with -j 3")
# a record longer than --max-record: an error record, the next record read
rc, out, _ = run(MODEL + ["--jsonl", "--max-record", "1", path("hostile.jsonl")])
outs = out.splitlines()
check(rc == 0 and b"record longer than 1048576 bytes" in outs[11] and b'"line":12' in outs[11]
      and b'"line":13' in outs[12] and b'"verdict"' in outs[13],
      "--max-record: error records, then on")
# --strict: stop at the first malformed record, exit 2, with its line
rc, out, err = run(MODEL + ["--jsonl", "--strict", path("hostile.jsonl")])
check(rc == 2 and len(out.splitlines()) == 1 and b"hostile.jsonl: line 2: invalid JSON" in err,
      "--strict stops at line 2: %d %r" % (rc, err))
# an error message cut inside a character (a long --text-field) stays valid UTF-8
rc, out, _ = run(MODEL + ["--jsonl", "-q", "--text-field", "\u00e9" * 300], b'{"x":1}\n')
try:
    check(rc == 0 and "error" in json.loads(out), "a long field name's error record is JSON")
except ValueError:
    check(False, "a long field name's error record is JSON: %r" % out[:100])
# nothing in, nothing out
rc, out, err = run(MODEL + ["--jsonl"], b"")
check(rc == 0 and out == b"" and err == b"", "empty input")
rc, _, err = run(MODEL + ["--jsonl", "--json"], b"")
check(rc == 2 and b"--jsonl" in err, "--jsonl with --json refused")
rc, _, err = run(MODEL + ["--jsonl", path("missing.jsonl")])
check(rc == 2 and b"missing.jsonl: No such file" in err, "a missing input")

# --- learn --jsonl: the same profile as learning from the files -----------------
write("th.dat", "UTF-8\nagency|1\n(noun)|company|bureau\nmay|1\n(verb)|could|might\n")
rc, _, err = run(["build", "--thesaurus", path("th.dat"), "-o", path("story-th.undict"),
                  path("story.txt")])
assert rc == 0, err
em = ["The spy company joined the cyber defense group.\n"
      "The spy bureau said the move risks inflaming tensions.\n",
      "The spy bureau joined the group in Could 2008.\nThe spy company said the group risks tensions.\n"]
files = [write("em%d.txt" % i, t) for i, t in enumerate(em)]
LEARN = ["learn", "--no-default-dict", "-d", path("story-th.undict")]
rc, _, err = run(LEARN + ["-o", path("files.profile")] + files)
check(rc == 0, "learn from files: %s" % err)
write("em.jsonl", "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(em)))
rc, _, err = run(LEARN + ["--jsonl", "-o", path("jsonl.profile"), path("em.jsonl")])
with open(path("files.profile"), "rb") as a, open(path("jsonl.profile"), "rb") as b:
    check(rc == 0 and a.read() == b.read(), "learn --jsonl gives the profile of the files")
# a malformed record is said and skipped; -j 2 and standard input give the same
write("em-bad.jsonl", '{"id":0,"text":%s}\n{"id":1,"text":7}\n{"id":2,"text":%s}\n'
      % (json.dumps(em[0]), json.dumps(em[1])))
rc, _, err = run(LEARN + ["--jsonl", "-j", "2", "-o", path("bad.profile")],
                 open(path("em-bad.jsonl"), "rb").read())
with open(path("files.profile"), "rb") as a, open(path("bad.profile"), "rb") as b:
    check(rc == 0 and a.read() == b.read(), "learn --jsonl -j 2 skips the malformed record")
check(b"(standard input): line 2: \"text\" is a number, not a string (record skipped)" in err,
      "learn names the skipped record: %r" % err)
rc, _, err = run(LEARN + ["--jsonl", "--strict", "-o", path("bad2.profile"), path("em-bad.jsonl")])
check(rc == 2 and b"em-bad.jsonl: line 2:" in err, "learn --jsonl --strict stops")
# --stats-out from records, summed: the profile of one run
rc, _, _ = run(LEARN + ["--jsonl", "--stats-out", path("s.stats"), path("em.jsonl")])
rc2, _, _ = run(LEARN + ["--stats-in", path("s.stats"), "-o", path("stats.profile")])
with open(path("files.profile"), "rb") as a, open(path("stats.profile"), "rb") as b:
    check(rc == 0 and rc2 == 0 and a.read() == b.read(), "learn --jsonl --stats-out")

subprocess.run(["rm", "-rf", T])
print("%d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)
