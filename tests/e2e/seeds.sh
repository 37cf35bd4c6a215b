#!/bin/sh
# The shared seed articles.  Each clean article, checked against a
# dictionary of the other three clean ones, is called clean, and restored
# against it comes out byte for byte as it went in; the spun article
# 002, checked against all four, is called spun.  With the dev pair
# (UNSPIN_EVAL_DIR, and python3 for its scorer), its restoration is scored
# against the issue's bars: at most 2 false edits and a recall of at least
# 0.80 of its spun spans (docs/benchmarks.md).
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
  # restored: a text called clean is written unchanged
  "$UNSPIN" -d "$T/loo.undict" "$S"/${k}_*.txt > "$T/out.txt" || { echo "FAIL: restore $k"; exit 1; }
  if cmp -s "$S"/${k}_*.txt "$T/out.txt"; then
    pass=$((pass + 1))
  else
    failn=$((failn + 1)); echo "FAIL: $k restored against the others is changed"
  fi
done
# shellcheck disable=SC2046
"$UNSPIN" build -o "$T/story.undict" $(for k in $clean; do ls "$S"/${k}_*.txt; done)
out=$("$UNSPIN" --detect -d "$T/story.undict" "$S"/002_*.txt); rc=$?
if [ $rc -eq 1 ]; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "FAIL: $out (exit $rc)"; fi
E=${UNSPIN_EVAL_DIR:-}
if [ -n "$E" ] && [ -f "$E/002.dev.spun.txt" ] && command -v python3 >/dev/null; then
  "$UNSPIN" -d "$T/story.undict" "$E/002.dev.spun.txt" > "$T/dev.txt" ||
    { echo "FAIL: restore 002.dev"; exit 1; }
  alts=""
  [ -f "$E/002.dev.alts.tsv" ] && alts="--alts $E/002.dev.alts.tsv"
  # shellcheck disable=SC2086
  line=$(python3 "$E/score_restore.py" "$E/002.dev.spun.txt" "$E/002.dev.gold.txt" "$T/dev.txt" $alts)
  echo "002.dev: $line"
  restored=$(echo "$line" | sed -n 's/.*restored=\([0-9]*\)\/.*/\1/p')
  spans=$(echo "$line" | sed -n 's/.*restored=[0-9]*\/\([0-9]*\) .*/\1/p')
  false_edits=$(echo "$line" | sed -n 's/.*false_edits=\([0-9]*\)\/.*/\1/p')
  if [ -n "$restored" ] && [ -n "$spans" ] && [ $((restored * 100)) -ge $((spans * 80)) ] &&
    [ -n "$false_edits" ] && [ "$false_edits" -le 2 ]; then
    pass=$((pass + 1))
  else
    failn=$((failn + 1)); echo "FAIL: 002.dev scored: $line"
  fi
else
  echo "no dev pair or python3: its scoring skipped"
fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
