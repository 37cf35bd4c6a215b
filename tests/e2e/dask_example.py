"""The Dask example (examples/dask/) on a real LocalCluster.

usage: dask_example.py UNSPIN EXAMPLE_DIR

Starts a scheduler and two worker processes, runs the example's restore and
learn on four shards of generated records (malformed ones among them), and
checks that its output equals the single-process command's, record for
record, and that the profile it learns map-reduce style is the one
`unspin learn --jsonl` learns in one process.
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

from distributed import Client, LocalCluster



def main():
    # (the worker processes are spawned: they import this file, and must not
    # run it)
    global UNSPIN, EXAMPLE, T, ENV
    UNSPIN = os.path.abspath(sys.argv[1])
    EXAMPLE = os.path.join(sys.argv[2], "unspin_dask.py")
    T = tempfile.mkdtemp(prefix="unspin-dask.")
    ENV = dict(os.environ, UNSPIN_DEFAULT_DICT=os.path.join(T, "none"))
    os.environ.update(ENV)
    failures = []


    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what)
        else:
            print("ok:", what)


    def unspin(args, **kw):
        p = subprocess.run([UNSPIN] + args, capture_output=True, env=ENV, **kw)
        assert p.returncode == 0, (args, p.stderr)
        return p.stdout


    def write(name, text):
        path = os.path.join(T, name)
        with open(path, "w") as f:
            f.write(text)
        return path


    # a story dictionary with a thesaurus, and a spinner's table
    story = ("The spy agency joined the cyber defense group in May 2008.\n"
             "The spy agency said the move risks inflaming tensions.\n")
    write("story.txt", story)
    write("th.dat", "UTF-8\nagency|1\n(noun)|company|bureau\nmay|1\n(verb)|could|might\n")
    unspin(["build", "--thesaurus", os.path.join(T, "th.dat"), "-o", os.path.join(T, "story.undict"),
            os.path.join(T, "story.txt")])
    profile = write("spinner.profile", "agency|company|bureau\nmay|could\n")
    ARGS = ["--no-default-dict", "-d", os.path.join(T, "story.undict")]

    # four shards of generated records
    rng = random.Random(7)
    sentences = ["The spy company joined the cyber defense group in Could 2008.",
                 "The spy bureau said the move risks inflaming tensions.",
                 "The spy agency joined the group.", "Caf\u00e9 \u201cquotes\u201d, the bureau said.",
                 "The spy company said the group risks tensions."]
    shards_dir = os.path.join(T, "shards")
    os.makedirs(shards_dir)
    n = 0
    for s in range(4):
        lines = []
        for _ in range(25):
            n += 1
            text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
            lines.append(json.dumps({"id": n, "site": "s%d" % s, "text": text},
                                    ensure_ascii=rng.random() < 0.5))
        lines.insert(5, '{"id": "bad-%d", "text": 12}' % s)
        lines.insert(9, '{"id": "trunc-%d", "text": "The spy' % s)
        with open(os.path.join(shards_dir, "part-%02d.jsonl" % s), "w") as f:
            f.write("\n".join(lines) + "\n")
    shards = sorted(os.path.join(shards_dir, f) for f in os.listdir(shards_dir))

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        check(len(client.scheduler_info()["workers"]) == 2, "a scheduler and two worker processes")
        addr = cluster.scheduler_address

        def example(args):
            p = subprocess.run([sys.executable, EXAMPLE] + args +
                               ["--scheduler", addr, "--unspin", UNSPIN, "--args", shlex.join(ARGS)],
                               capture_output=True, env=ENV)
            check(p.returncode == 0, "example %s: %s" % (args[0], p.stderr.decode()[-2000:]))

        # learn, map-reduce style, against one process
        example(["learn", shards_dir, "-o", os.path.join(T, "dask.profile")])
        unspin(["learn"] + ARGS + ["--jsonl", "-q", "-o", os.path.join(T, "one.profile")] + shards)
        with open(os.path.join(T, "dask.profile"), "rb") as a, \
                open(os.path.join(T, "one.profile"), "rb") as b:
            learned = a.read()
            check(learned == b.read(), "the cluster learns the profile of one process")
        check(any(l.startswith(b"agency\t") for l in learned.splitlines()),
              "the learned profile has the spinner's key")

        # restore, with and without a profile broadcast to the workers
        for name, extra in (("plain", []), ("profile", ["--profile", profile])):
            out_dir = os.path.join(T, "out-" + name)
            example(["restore", shards_dir, out_dir] + extra)
            spun = 0
            for shard in shards:
                want = unspin(ARGS + extra + ["--jsonl", "-q", shard])
                with open(os.path.join(out_dir, os.path.basename(shard)), "rb") as f:
                    got = f.read()
                want_recs = [json.loads(l) for l in want.splitlines()]
                got_recs = [json.loads(l) for l in got.splitlines()]
                check(len(got_recs) == 27 and got_recs == want_recs,
                      "%s %s: the records of one process" % (name, os.path.basename(shard)))
                check(got == want, "%s %s: byte for byte" % (name, os.path.basename(shard)))
                spun += sum(r.get("verdict") == "spun" for r in got_recs)
                check(sum("error" in r for r in got_recs) == 2, "the malformed records' error records")
            if name == "profile":
                check(spun > 0, "with the profile some records are called spun (%d)" % spun)

    subprocess.run(["rm", "-rf", T])
    print("%d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
