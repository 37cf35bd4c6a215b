#!/usr/bin/env python3
"""Restore a crawl of JSON Lines shards, and learn its spinner, on a Dask cluster.

    unspin_dask.py restore SHARDS_DIR OUT_DIR [--profile P] [--scheduler ADDR]
                   [--unspin PATH] [--args "..."]
    unspin_dask.py learn SHARDS_DIR -o PROFILE [--scheduler ADDR]
                   [--unspin PATH] [--args "..."]

Every shard (SHARDS_DIR/*.jsonl) is one partition.

restore pipes each partition through `unspin --jsonl` on a worker and writes
OUT_DIR/<shard>.jsonl: one output record per input record, in input order
(see docs/jsonl.md for the record format).  The shards are read where the
workers run: a shared file system, as for any Dask text input.

learn is map-reduce.  Map: each worker runs `unspin learn --jsonl
--stats-out` on its shard, the spinner's sufficient statistics for that
shard.  Reduce: statistics are additive, so pairs are summed on the workers
(`unspin learn --stats-in A --stats-in B --stats-out AB`) in a tree, and the
EM iterations run once over the sum (`unspin learn --stats-in ALL -o
PROFILE`, on a worker).  The statistics hold every quantity an EM iteration
needs, so the iterations need no further pass over the shards; the learned
profile is then broadcast to the workers for `restore --profile`.

Without --scheduler a LocalCluster is started on this machine.  --unspin
names the command on the workers (default: `unspin` on their PATH); --args
adds options to every call of it (for example "-d story.undict").
"""
import argparse
import glob
import os
import shlex
import subprocess
import tempfile

import dask.bag as db
from distributed import Client, LocalCluster


def run_unspin(unspin, args, stdout=subprocess.PIPE):
    """Runs the command; its standard output, or an error naming its stderr."""
    p = subprocess.run([unspin] + args, stdout=stdout, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("%s %s: exit %d: %s" % (unspin, " ".join(args), p.returncode,
                                                   p.stderr.decode(errors="replace")))
    return p.stdout


def restore_shard(shard, out_dir, unspin, args, profile):
    """One partition, a shard, through `unspin --jsonl` into OUT_DIR."""
    out = os.path.join(out_dir, os.path.basename(shard))
    with tempfile.TemporaryDirectory() as tmp, open(out + ".part", "wb") as f:
        extra = []
        if profile is not None:
            extra = ["--profile", os.path.join(tmp, "profile")]
            with open(extra[1], "wb") as pf:
                pf.write(profile)
        run_unspin(unspin, args + extra + ["--jsonl", "-q", shard], stdout=f)
    os.replace(out + ".part", out)  # a shard is whole or absent
    return out


def restore(client, shards, out_dir, unspin, args, profile):
    os.makedirs(out_dir, exist_ok=True)
    if profile is not None:  # one copy per worker, not one per task
        profile = client.scatter(profile, broadcast=True)
    bag = db.from_sequence(shards, npartitions=len(shards))  # a partition per shard
    return bag.map(restore_shard, out_dir, unspin, args, profile).compute()


def shard_stats(shard, unspin, args):
    """Map: the spinner statistics of one shard (bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stats")
        run_unspin(unspin, ["learn"] + args + ["--jsonl", "-q", "--stats-out", out, shard])
        with open(out, "rb") as f:
            return f.read()


def sum_stats(a, b, unspin, args):
    """Reduce: two shards' statistics summed into one."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, n) for n in ("a", "b", "sum")]
        for p, data in zip(paths, (a, b)):
            with open(p, "wb") as f:
                f.write(data)
        run_unspin(unspin, ["learn"] + args + ["--stats-in", paths[0], "--stats-in", paths[1],
                                               "--stats-out", paths[2]])
        with open(paths[2], "rb") as f:
            return f.read()


def em(stats, unspin, args):
    """The EM iterations over the summed statistics: the profile (bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        s, p = os.path.join(tmp, "stats"), os.path.join(tmp, "profile")
        with open(s, "wb") as f:
            f.write(stats)
        run_unspin(unspin, ["learn"] + args + ["--stats-in", s, "-o", p])
        with open(p, "rb") as f:
            return f.read()


def learn(client, shards, unspin, args):
    parts = client.map(shard_stats, shards, unspin=unspin, args=args)
    while len(parts) > 1:  # a tree of pairwise sums
        pairs = [client.submit(sum_stats, parts[i], parts[i + 1], unspin, args)
                 for i in range(0, len(parts) - 1, 2)]
        parts = pairs + parts[len(parts) - len(parts) % 2:]
    return client.submit(em, parts[0], unspin, args).result()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["restore", "learn"])
    ap.add_argument("shards_dir")
    ap.add_argument("out_dir", nargs="?", help="restore: where the restored shards go")
    ap.add_argument("-o", "--output", help="learn: the profile to write")
    ap.add_argument("--profile", help="restore: a spinner profile, broadcast to the workers")
    ap.add_argument("--scheduler", help="a running scheduler's address (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    ap.add_argument("--unspin", default="unspin", help="the unspin command on the workers")
    ap.add_argument("--args", default="", help="options added to every unspin call")
    a = ap.parse_args(argv)
    shards = sorted(glob.glob(os.path.join(a.shards_dir, "*.jsonl")))
    if not shards:
        ap.error("no *.jsonl shards in %s" % a.shards_dir)
    if (a.command == "restore") != (a.out_dir is not None) or (a.command == "learn") != bool(a.output):
        ap.error("restore takes OUT_DIR, learn takes -o PROFILE")
    args = shlex.split(a.args)
    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        if a.command == "restore":
            profile = None
            if a.profile:
                with open(a.profile, "rb") as f:
                    profile = f.read()
            restore(client, shards, a.out_dir, a.unspin, args, profile)
        else:
            with open(a.output, "wb") as f:
                f.write(learn(client, shards, a.unspin, args))
    finally:
        client.close()
        if cluster:
            cluster.close()


if __name__ == "__main__":
    main()
