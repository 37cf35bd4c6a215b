#!/bin/sh
# Runs one libFuzzer target of a fuzzing build (see docs/fuzzing.md).
# usage: run.sh BUILD_DIR TARGET [LIBFUZZER_OPTION...]
#   TARGET: analyze | build | dict | profile | stats | thesaurus
# The corpus grows in BUILD_DIR/fuzz-corpus/TARGET, seeded from
# tests/fuzz/corpus/TARGET, the test data, and (for dict) dictionaries
# built here with the fuzzing build's own unspin.
set -eu
build=$1 target=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
corpus=$build/fuzz-corpus/$target
mkdir -p "$corpus"
cp "$here/corpus/$target/"* "$corpus/" 2>/dev/null || true
case $target in
analyze)
  # the first byte picks the set-up: one seed per set-up
  for s in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do
    { printf "\\$(printf %o "$s")"; cat "$here/../data/sample-spun.txt"; } >"$corpus/sample-$s"
  done ;;
dict)
  printf 'The spy agency joined the group in May 2008.\nThe move risks tensions.\n' >"$corpus/text.tmp"
  "$build/cli/unspin" build --order 3 -o "$corpus/seed.undict" "$corpus/text.tmp" 2>/dev/null
  # the thesaurus seeds without their first byte, which picks fuzz_thesaurus's mode
  tail -c +2 "$here/corpus/thesaurus/small.dat" >"$corpus/dat.tmp"
  tail -c +2 "$here/corpus/thesaurus/small.list" >"$corpus/list.tmp"
  "$build/cli/unspin" build --order 3 --thesaurus "$corpus/dat.tmp" \
    -o "$corpus/seed-th.undict" "$corpus/text.tmp" 2>/dev/null || true
  "$build/cli/unspin" build --order 3 --synonym-list "$corpus/list.tmp" \
    -o "$corpus/seed-list.undict" "$corpus/text.tmp" 2>/dev/null || true
  for f in seed seed-th seed-list; do
    [ -f "$corpus/$f.undict" ] || continue
    { printf '\000'; cat "$corpus/$f.undict"; } >"$corpus/$f-verified"
    { printf '\001'; cat "$corpus/$f.undict"; } >"$corpus/$f-unverified"
    rm -f "$corpus/$f.undict"
  done
  rm -f "$corpus/text.tmp" "$corpus/dat.tmp" "$corpus/list.tmp" ;;
esac
exec "$build/tests/fuzz/fuzz_$target" "$@" "$corpus"
