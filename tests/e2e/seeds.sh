#!/bin/sh
# Detection on the shared seed articles: each clean article, checked against
# a dictionary of the other three clean ones, is called clean; the spun
# article 002, checked against all four, is called spun.
# usage: seeds.sh UNSPIN DEFAULT_DICT   (UNSPIN_SEEDS_DIR names the seed directory)
set -u
UNSPIN=$1
S=${UNSPIN_SEEDS_DIR:-}
[ -n "$S" ] && [ -d "$S" ] || { echo "no seed articles: skipped"; exit 77; }
[ -f "$2" ] || { echo "no default dictionary (built without it): skipped"; exit 77; }
export UNSPIN_DEFAULT_DICT="$2"
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-seeds.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failn=0
clean="000 001 003 004"
for k in $clean; do
  others=""
  for o in $clean; do [ "$o" = "$k" ] || others="$others $(ls "$S"/${o}_*.txt)"; done
  # shellcheck disable=SC2086
  "$UNSPIN" build -o "$T/loo.undict" $others || { echo "FAIL: build without $k"; exit 1; }
  out=$("$UNSPIN" --detect -d "$T/loo.undict" "$S"/${k}_*.txt); rc=$?
  if [ $rc -eq 0 ]; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "FAIL: $out"; fi
done
# shellcheck disable=SC2046
"$UNSPIN" build -o "$T/story.undict" $(for k in $clean; do ls "$S"/${k}_*.txt; done)
out=$("$UNSPIN" --detect -d "$T/story.undict" "$S"/002_*.txt); rc=$?
if [ $rc -eq 1 ]; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "FAIL: $out (exit $rc)"; fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
