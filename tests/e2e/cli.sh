#!/bin/sh
# End-to-end tests of the unspin command: byte-exact pass-through, exit
# statuses and messages, dictionary build/merge/lookup.
# usage: cli.sh UNSPIN DATA_DIR   (UNSPIN_SEEDS_DIR adds the seed articles)
set -u
UNSPIN=$1
DATA=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failn=0

# UNSPIN_VALGRIND=1: every run goes through valgrind memcheck, and any
# memory error or leak makes it exit 99 (which no check expects)
if [ "${UNSPIN_VALGRIND:-0}" = 1 ]; then
  command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
  printf '#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible "%s" "$@"\n' "$UNSPIN" >"$T/unspin-vg"
  chmod +x "$T/unspin-vg"
  UNSPIN=$T/unspin-vg
fi

ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }

# expect_status WANT DESCRIPTION -- command...
expect_status() {
  want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(cat "$T/err"))"; fi
}
# expect_err PATTERN DESCRIPTION: the last command's stderr matches
expect_err() {
  if grep -q -- "$1" "$T/err"; then ok; else bad "$2: stderr lacks '$1': $(cat "$T/err")"; fi
}
same() { # same FILE_A FILE_B DESCRIPTION
  if cmp -s "$1" "$2"; then ok; else bad "$3: output differs from input"; fi
}

# Without a default dictionary unless a test asks for one.
export UNSPIN_DEFAULT_DICT="$T/none"
unspin() {
  case ${1:-} in
    build|merge|lookup|check|learn) "$UNSPIN" "$@" ;;
    *) "$UNSPIN" --no-default-dict "$@" ;;
  esac
}

# --- byte-exact pass-through ------------------------------------------------
printf 'Line one\r\nLine two\r\n\r\nLast\r\n' >"$T/crlf.txt"
printf '\357\273\277BOM first, then text.\n' >"$T/bom.txt"
printf 'tab\there\t\ntrailing spaces   \n  \n' >"$T/spaces.txt"
printf 'no final newline' >"$T/nonl.txt"
printf '\342\200\234Cyberthreats,\342\200\235 the NIS\342\200\231s chief said\342\200\246\n' >"$T/curly.txt"
printf 'mixed\r\nendings\nand\rold mac\n\n\n' >"$T/mixed.txt"
for f in "$T"/*.txt "$DATA"/*.txt; do
  [ -e "$f" ] || continue
  expect_status 0 "pass-through $f" -- unspin "$f"
  same "$f" "$T/out" "pass-through $(basename "$f")"
done
if [ -n "${UNSPIN_SEEDS_DIR:-}" ]; then
  for f in "$UNSPIN_SEEDS_DIR"/*.txt; do
    expect_status 0 "seed $f" -- unspin "$f"
    same "$f" "$T/out" "seed $(basename "$f")"
  done
fi
# several files in turn; standard input as - and by default
cat "$T/crlf.txt" "$T/bom.txt" >"$T/both.expected"
expect_status 0 "two files" -- unspin "$T/crlf.txt" "$T/bom.txt"
same "$T/both.expected" "$T/out" "two files"
unspin - <"$T/curly.txt" >"$T/out" 2>"$T/err" && same "$T/curly.txt" "$T/out" "stdin as -"
unspin <"$T/curly.txt" >"$T/out" 2>"$T/err" && same "$T/curly.txt" "$T/out" "stdin by default"

# --- empty input, errors, exit statuses ---------------------------------------
: >"$T/empty"
expect_status 0 "empty file" -- unspin "$T/empty"
[ -s "$T/out" ] && bad "empty file gives output" || ok
expect_status 2 "missing file" -- unspin "$T/missing.txt"
expect_err "missing.txt: No such file" "missing file"
mkdir "$T/adir"
expect_status 2 "directory" -- unspin "$T/adir"
expect_err "adir: is a directory" "directory"
expect_status 2 "unknown option" -- unspin --no-such-option
expect_status 0 "help" -- "$UNSPIN" --help
grep -q "Usage: unspin" "$T/out" && ok || bad "--help prints usage"
expect_status 0 "version" -- "$UNSPIN" --version --no-default-dict
grep -Eq "^unspin [0-9]+\.[0-9]+\.[0-9]+$" "$T/out" && ok || bad "--version format"
grep -q "^dictionary: none$" "$T/out" && ok || bad "--version without a dictionary: $(cat "$T/out")"
expect_status 2 "version with a missing default dictionary" -- "$UNSPIN" --version
expect_err "none: No such file" "--version names the missing default dictionary"
if [ -w /dev/full ]; then
  expect_status 2 "write to a full device" -- sh -c "'$UNSPIN' --no-default-dict '$T/crlf.txt' >/dev/full"
  expect_err "standard output" "full device message"
fi

# --- invalid UTF-8 -------------------------------------------------------------
printf 'caf\303 ok \377 and \300\257\n' >"$T/bad.txt"
expect_status 0 "invalid UTF-8 passes" -- unspin "$T/bad.txt"
same "$T/bad.txt" "$T/out" "invalid UTF-8 pass-through"
expect_err "bad.txt: warning: invalid UTF-8 at byte offset 3 (4 invalid sequences" "utf8 warning"
[ "$(wc -l <"$T/err")" -eq 1 ] && ok || bad "invalid UTF-8 reported once per file"
expect_status 2 "--strict" -- unspin --strict "$T/bad.txt"
expect_err "bad.txt: invalid UTF-8 at byte offset 3" "--strict message"
[ -s "$T/out" ] && bad "--strict wrote output" || ok
printf 'a\000b\000\n' >"$T/nul.txt"
expect_status 0 "NUL bytes" -- unspin "$T/nul.txt"
same "$T/nul.txt" "$T/out" "NUL bytes pass through"

# --- dictionaries ------------------------------------------------------------
printf 'The spy agency joined the group.\nThe agency said it was the first.\n' >"$T/c1.txt"
printf 'The group welcomed the spy agency.\n' >"$T/c2.txt"
expect_status 0 "build" -- unspin build -o "$T/c1.undict" "$T/c1.txt"
expect_status 0 "lookup" -- unspin lookup -d "$T/c1.undict" "the spy agency" "agency" "cat"
printf 'the spy agency\t1\t1\t1\nagency\t2\t2\t2\ncat\t0\t0\t0\n' >"$T/lookup.expected"
same "$T/lookup.expected" "$T/out" "lookup counts"
expect_status 0 "build order 2 from stdin" -- sh -c "'$UNSPIN' build --order 2 -o '$T/o2.undict' - <'$T/c1.txt'"
expect_status 2 "lookup beyond order" -- unspin lookup -d "$T/o2.undict" "the spy agency"
expect_status 0 "build both" -- unspin build -o "$T/both.undict" "$T/c1.txt" "$T/c2.txt"
expect_status 0 "build c2" -- unspin build -o "$T/c2.undict" "$T/c2.txt"
expect_status 0 "merge" -- unspin merge -o "$T/merged.undict" "$T/c1.undict" "$T/c2.undict"
same "$T/both.undict" "$T/merged.undict" "merge equals joint build"
expect_status 0 "restore with dictionaries" -- unspin -d "$T/c1.undict" -d "$T/c2.undict" "$T/crlf.txt"
same "$T/crlf.txt" "$T/out" "pass-through with dictionaries"
if [ -n "${UNSPIN_SEEDS_DIR:-}" ]; then
  S=$UNSPIN_SEEDS_DIR
  expect_status 0 "seed build" -- unspin build -o "$T/seeds.undict" "$S"/000_*.txt "$S"/001_*.txt "$S"/003_*.txt "$S"/004_*.txt
  expect_status 0 "seed build spilling" -- unspin build --memory 1 -o "$T/seeds-small.undict" "$S"/000_*.txt "$S"/001_*.txt "$S"/003_*.txt "$S"/004_*.txt
  same "$T/seeds.undict" "$T/seeds-small.undict" "spilled seed build"
  expect_status 0 "seed lookup" -- unspin lookup -d "$T/seeds.undict" "Cooperative Cyber Defence Centre" "in May 2008"
  printf 'Cooperative Cyber Defence Centre\t3\t1\t1\nin May 2008\t1\t1\t1\n' >"$T/seedlookup.expected"
  same "$T/seedlookup.expected" "$T/out" "seed lookup counts"
fi
expect_status 2 "build without -o" -- unspin build "$T/c1.txt"
expect_status 2 "build from a missing file" -- unspin build -o "$T/x.undict" "$T/missing.txt"
expect_err "missing.txt" "build missing file message"
[ -e "$T/x.undict" ] && bad "failed build left a file" || ok
expect_status 2 "bad order" -- unspin build --order 9 -o "$T/x.undict" "$T/c1.txt"
# back-off models from ARPA files: compiled alone, joining the general model
# with -d and as DEFAULT.lm.undict beside the default dictionary; lookup and
# merge refuse them, a malformed file is reported with its line and offset
printf '\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1.0\t</s>\n-99\t<s>\t-0.3\n-0.5\tthe\t-0.2\n-0.6\tagency\t0\n\n\\2-grams:\n-0.1\t<s> the\n-0.2\tthe agency\n\n\\end\\\n' >"$T/m.arpa"
expect_status 0 "build --arpa" -- unspin build --arpa "$T/m.arpa" -o "$T/m.undict"
expect_status 2 "build --arpa with text" -- unspin build --arpa "$T/m.arpa" -o "$T/x.undict" "$T/c1.txt"
expect_err "takes the model alone" "build --arpa with text message"
expect_status 2 "lookup in a back-off model" -- unspin lookup -d "$T/m.undict" "the agency"
expect_err "holds probabilities, not counts" "lookup in a back-off model message"
expect_status 2 "merge a back-off model" -- unspin merge -o "$T/x.undict" "$T/c1.undict" "$T/m.undict"
expect_err "cannot be merged" "merge a back-off model message"
expect_status 0 "restore with a back-off model" -- unspin -d "$T/c1.undict" -d "$T/m.undict" "$T/crlf.txt"
same "$T/crlf.txt" "$T/out" "pass-through with a back-off model"
head -c 60 "$T/m.arpa" >"$T/cut.arpa"
expect_status 2 "truncated ARPA file" -- unspin build --arpa "$T/cut.arpa" -o "$T/x.undict"
expect_err "cut.arpa: line 8 (byte 60): truncated" "truncated ARPA message"
[ -e "$T/x.undict" ] && bad "failed ARPA build left a file" || ok
cp "$T/c1.undict" "$T/d.undict"
cp "$T/m.undict" "$T/d.lm.undict"
expect_status 0 "default dictionary and its model" -- env UNSPIN_DEFAULT_DICT="$T/d.undict" "$UNSPIN" --json "$T/c1.txt"
printf 'flip' | dd of="$T/d.lm.undict" bs=1 seek=2000 conv=notrunc 2>/dev/null
expect_status 2 "damaged default back-off model" -- env UNSPIN_DEFAULT_DICT="$T/d.undict" "$UNSPIN" "$T/c1.txt"
expect_err "d.lm.undict" "damaged default back-off model message"
expect_status 0 "--no-default-dict skips the model" -- env UNSPIN_DEFAULT_DICT="$T/d.undict" "$UNSPIN" --no-default-dict "$T/c1.txt"
# flat synonym lists (headword,term,...): a bad byte is reported with the file
# and its offset, and no dictionary is left behind
printf 'agency,company\nmove,tr\377nsfer\n' >"$T/bad.list"
expect_status 2 "build with an invalid synonym list" -- unspin build --synonym-list "$T/bad.list" -o "$T/x.undict" "$T/c1.txt"
expect_err "bad.list: byte offset 22: invalid UTF-8" "synonym list error names file and offset"
[ -e "$T/x.undict" ] && bad "failed list build left a file" || ok

# damaged dictionaries: error naming the file, never a crash
size=$(wc -c <"$T/c1.undict")
head -c 100 "$T/c1.undict" >"$T/trunc.undict"
expect_status 2 "truncated header" -- unspin -d "$T/trunc.undict" "$T/crlf.txt"
expect_err "trunc.undict: truncated dictionary" "truncated header message"
head -c $((size - 10)) "$T/c1.undict" >"$T/trunc2.undict"
expect_status 2 "truncated tables" -- unspin -d "$T/trunc2.undict" "$T/crlf.txt"
expect_err "trunc2.undict: truncated" "truncated tables message"
cp "$T/c1.undict" "$T/flip.undict"
printf '\377' | dd of="$T/flip.undict" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
expect_status 2 "flipped byte" -- unspin -d "$T/flip.undict" "$T/crlf.txt"
expect_err "flip.undict: corrupt dictionary at byte offset" "flipped byte message"
# a byte flipped inside the tables: opening takes constant time and checks
# each block when it is first read, so restoring fails naming the block;
# unspin check reads the file whole
cp "$T/c1.undict" "$T/flip2.undict"
printf '\377' | dd of="$T/flip2.undict" bs=1 seek=1100 conv=notrunc 2>/dev/null
expect_status 2 "flipped table byte" -- unspin -d "$T/flip2.undict" "$T/crlf.txt"
expect_err "flip2.undict: corrupt dictionary at byte offset 1024: block checksum mismatch" "flipped table byte message"
expect_status 2 "lookup in a damaged dictionary" -- unspin lookup -d "$T/flip2.undict" "the"
expect_err "flip2.undict: corrupt dictionary at byte offset 1024: block checksum mismatch" "lookup names the damage"
expect_status 2 "check a damaged dictionary" -- unspin check "$T/c1.undict" "$T/flip2.undict"
expect_err "flip2.undict: corrupt dictionary at byte offset" "check names the damage"
grep -q "c1.undict: ok (id [0-9a-f]\{16\}, order 5" "$T/out" && ok || bad "check passes the sound dictionary: $(cat "$T/out")"
expect_status 0 "check sound dictionaries" -- unspin check "$T/c1.undict" "$T/c2.undict"
[ "$(wc -l <"$T/out")" -eq 2 ] && ok || bad "check prints a line per dictionary"
expect_status 2 "check without a dictionary" -- unspin check
i=0; while [ $i -lt 40 ]; do cat "$T/c1.txt"; i=$((i + 1)); done >"$T/long.txt"
expect_status 2 "text as dictionary" -- unspin -d "$T/long.txt" "$T/crlf.txt"
expect_err "not an unspin dictionary" "text as dictionary message"
expect_status 2 "missing dictionary" -- unspin -d "$T/nope.undict" "$T/crlf.txt"
expect_err "nope.undict" "missing dictionary message"
# the default dictionary is loaded (and checked) unless --no-default-dict
expect_status 2 "damaged default dictionary" -- env UNSPIN_DEFAULT_DICT="$T/flip.undict" "$UNSPIN" "$T/crlf.txt"
expect_status 0 "default dictionary" -- env UNSPIN_DEFAULT_DICT="$T/c1.undict" "$UNSPIN" "$T/crlf.txt"
same "$T/crlf.txt" "$T/out" "pass-through with the default dictionary"
# --version names the dictionaries it loads, with their identity (the same
# model gives the same id, another model another)
expect_status 0 "version names the default dictionary" -- env UNSPIN_DEFAULT_DICT="$T/c1.undict" "$UNSPIN" --version
grep -Eq "^dictionary: $T/c1.undict \(id [0-9a-f]{16}, order [0-9]\)$" "$T/out" && ok || bad "--version dictionary line: $(cat "$T/out")"
id1=$(sed -n 's/.*(id \([0-9a-f]*\),.*/\1/p' "$T/out")
cp "$T/c1.undict" "$T/c1copy.undict"
"$UNSPIN" --version --no-default-dict -d "$T/c1copy.undict" -d "$T/c2.undict" >"$T/out" 2>"$T/err"
[ "$(sed -n 's/.*c1copy.undict (id \([0-9a-f]*\),.*/\1/p' "$T/out")" = "$id1" ] && ok || bad "--version: a copy has the same id: $(cat "$T/out")"
grep "c2.undict" "$T/out" | grep -q "id $id1" && bad "--version: another dictionary has another id" || ok

# --- restoration, detection and output modes ----------------------------------
printf 'The spy agency joined the cyber defense group in May 2008.\nThe spy agency said the move risks inflaming tensions.\n' >"$T/story.txt"
printf 'agency|company|firm\r\nmay|could\n' >"$T/spinner.profile"
expect_status 0 "story build" -- unspin build -o "$T/story.undict" "$T/story.txt"
printf 'The spy company joined the cyber defense group in Could 2008.\n' >"$T/spun.txt"
printf 'The spy agency joined the cyber defense group in May 2008.\n' >"$T/restored.expected"
# a profile's links restore, and its spinner model makes the verdict, a
# likelihood ratio against no spinner (docs/model.md §5): the score is the
# expected share of spun words, two of eleven
expect_status 0 "restore with a profile" -- unspin -d "$T/story.undict" --profile "$T/spinner.profile" "$T/spun.txt"
same "$T/restored.expected" "$T/out" "profile restoration"
expect_status 1 "detect with a profile" -- unspin -d "$T/story.undict" --profile "$T/spinner.profile" --detect "$T/spun.txt" "$T/story.txt"
grep -q "spun.txt: spun 0\.18" "$T/out" && ok || bad "the profile verdict: $(cat "$T/out")"
grep -q "story.txt: clean 0\.0" "$T/out" && ok || bad "the profile leaves clean text clean: $(cat "$T/out")"
expect_status 0 "restore without the profile" -- unspin --no-default-dict -d "$T/story.undict" "$T/spun.txt"
same "$T/spun.txt" "$T/out" "without the profile the word lists alone call the file clean"
# the same restoration from a flat synonym list compiled into the story dictionary
printf 'agency,company,firm\r\nmay,could\r\n' >"$T/story.list"
expect_status 0 "story build with a synonym list" -- unspin build --synonym-list "$T/story.list" -o "$T/story-list.undict" "$T/story.txt"
printf 'The spy company joined the cyber defense group in May 2008.\nOfficials said the spy company joined the group.\n' >"$T/spun-list.txt"
expect_status 0 "restore with a listed story dictionary" -- "$UNSPIN" --no-default-dict --always -d "$T/story-list.undict" "$T/spun-list.txt"
grep -q "^The spy agency joined" "$T/out" && ok || bad "synonym list restoration: $(head -1 "$T/out")"
expect_status 0 "restore without the list" -- "$UNSPIN" --no-default-dict --always -d "$T/story.undict" "$T/spun-list.txt"
grep -q "^The spy company joined" "$T/out" && ok || bad "without the list nothing restores it: $(head -1 "$T/out")"
expect_status 0 "diff" -- env NO_COLOR=1 "$UNSPIN" --no-default-dict -d "$T/story.undict" --profile "$T/spinner.profile" --always --diff "$T/spun.txt"
printf 'The spy [-company-]{+agency+} joined the cyber defense group in [-Could-]{+May+} 2008.\n' >"$T/diff.expected"
same "$T/diff.expected" "$T/out" "diff markers"
expect_status 0 "json" -- unspin -d "$T/story.undict" --profile "$T/spinner.profile" --always --json "$T/spun.txt" "$T/story.txt"
[ "$(grep -c '^{"file":' "$T/out")" -eq 2 ] && ok || bad "one JSON object per file"
grep -q '"original":"agency"' "$T/out" && ok || bad "json shows the original"
# --detect: 0 when all are clean, 1 when one is spun, 2 on error
expect_status 0 "detect clean" -- unspin -d "$T/story.undict" --detect "$T/story.txt"
grep -q "story.txt: clean " "$T/out" && ok || bad "detect prints clean"
# a thesaurus link is evidence: a story dictionary with a MyThes list that links them
printf 'UTF-8\nagency|1\n(noun)|company|bureau\nmay|1\n(verb)|could|might\n' >"$T/th.dat"
expect_status 0 "story build with a thesaurus" -- unspin build --thesaurus "$T/th.dat" -o "$T/story-th.undict" "$T/story.txt"
expect_status 1 "detect spun" -- unspin -d "$T/story-th.undict" --detect "$T/story.txt" "$T/spun.txt"
grep -q "spun.txt: spun " "$T/out" && ok || bad "detect prints spun"
# --- -j N: files in worker threads, output in input order ----------------------
for m in "" --detect --json --diff; do
  unspin -d "$T/story.undict" --profile "$T/spinner.profile" $m "$T/spun.txt" "$T/story.txt" "$T/crlf.txt" "$T/spun.txt" "$T/bad.txt" >"$T/j1.out" 2>"$T/j1.err"; r1=$?
  unspin -j 3 -d "$T/story.undict" --profile "$T/spinner.profile" $m "$T/spun.txt" "$T/story.txt" "$T/crlf.txt" "$T/spun.txt" "$T/bad.txt" >"$T/j3.out" 2>"$T/j3.err"; r3=$?
  [ "$r1" = "$r3" ] && cmp -s "$T/j1.out" "$T/j3.out" && cmp -s "$T/j1.err" "$T/j3.err" && ok || bad "-j 3 $m differs from one thread (exit $r1/$r3)"
done
grep -q "^The spy agency joined" "$T/j3.out" && ok || bad "-j restores: $(head -1 "$T/j3.out")"
# a failing file stops the output where one thread would
unspin -j 2 -d "$T/story.undict" "$T/crlf.txt" "$T/missing.txt" "$T/bom.txt" >"$T/out" 2>"$T/err"; got=$?
[ "$got" = 2 ] && same "$T/crlf.txt" "$T/out" "-j stops after a failing file" || bad "-j with a missing file: exit $got"
expect_err "missing.txt: No such file" "-j names the failing file"
expect_status 2 "-j 0" -- unspin -j 0 "$T/crlf.txt"
expect_err "-j takes a number of threads from 1 to 256" "-j 0 message"

# --- --jsonl: one line per record, error records for malformed ones -----------
# (tests/e2e/jsonl.py checks the records in detail; here the paths run under
# valgrind and TSan too)
{
  printf '{"id":1,"text":"The spy company joined the cyber defense group in Could 2008."}\n'
  printf '{"id":2,"text":5}\n{"id":3,"text":"trunc\n[1]\n{"id":4,"text":"a\\u0000b"}\n\n'
  printf '{"id":5,"text":"The spy agency said it."}\n{"id":6,"body":"x"}\n{"id":7,"text":"bad \377"}\n'
} >"$T/recs.jsonl"
expect_status 0 "jsonl" -- unspin -d "$T/story.undict" --profile "$T/spinner.profile" --jsonl "$T/recs.jsonl"
[ "$(wc -l <"$T/out")" -eq 8 ] && ok || bad "jsonl: one line per record: $(cat "$T/out")"
head -1 "$T/out" | grep -q '^{"id":1,"text":"The spy company joined the cyber defense group in Could 2008.","verdict":"spun",.*"restored":"The spy agency joined the cyber defense group in May 2008.","edits":\[{"start":8,"end":15,"spun":"company","original":"agency"}' && ok || bad "jsonl record: $(head -1 "$T/out")"
[ "$(grep -c '"error":' "$T/out")" -eq 6 ] && ok || bad "jsonl: six error records: $(cat "$T/out")"
grep -q '^{"id":4,"line":5,"error":"\\"text\\" holds a NUL character' "$T/out" && ok || bad "jsonl: NUL error record names its line: $(cat "$T/out")"
expect_err "recs.jsonl: 6 malformed records written as error records (the first at line 2)" "jsonl summary"
cp "$T/out" "$T/jsonl1.out"
expect_status 0 "jsonl -j 3" -- unspin -j 3 -d "$T/story.undict" --profile "$T/spinner.profile" --jsonl - <"$T/recs.jsonl"
same "$T/jsonl1.out" "$T/out" "jsonl -j 3 gives the output of one thread"
expect_status 2 "jsonl --strict" -- unspin --strict -d "$T/story.undict" --jsonl "$T/recs.jsonl"
expect_err "recs.jsonl: line 2: \"text\" is a number, not a string" "jsonl --strict names the line"

# --- learning a spinner from spun text alone (EM) ---------------------------------
# The story dictionary (with its thesaurus) is the general model here; the
# spun texts never write "agency", which it expects, and write "company"
# and "bureau", which its thesaurus links to it, where "agency" would stand.
printf 'The spy company joined the cyber defense group.\nThe spy bureau said the move risks inflaming tensions.\n' >"$T/em1.txt"
printf 'The spy bureau joined the group in Could 2008.\nThe spy company said the group risks tensions.\n' >"$T/em2.txt"
expect_status 0 "learn from spun text" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/em.profile" "$T/em1.txt" "$T/em2.txt"
head -1 "$T/em.profile" | grep -q '^# unspin profile 2$' && ok || bad "EM profile header: $(head -1 "$T/em.profile")"
expect_err "iteration 1: log-likelihood" "EM reports the log-likelihood per iteration"
awk -F'\t' '$1 == "agency" && $3 > 3 && /\tcompany\t/ && /\tbureau\t/' "$T/em.profile" | grep -q . && ok || bad "EM finds agency replaced by company and bureau: $(cat "$T/em.profile")"
awk -F'\t' '$1 == "spy" && $3 == 0' "$T/em.profile" | grep -q . && ok || bad "EM keeps a word with no link: $(grep '^spy' "$T/em.profile")"
# sharded: the statistics of two shards, summed, give the profile of one run
expect_status 0 "stats shard 1" -- unspin learn --no-default-dict -d "$T/story-th.undict" --stats-out "$T/s1.stats" "$T/em1.txt"
expect_status 0 "stats shard 2" -- unspin learn --no-default-dict -d "$T/story-th.undict" --stats-out "$T/s2.stats" "$T/em2.txt"
expect_status 0 "learn from summed stats" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/em-shards.profile" --stats-in "$T/s2.stats" --stats-in "$T/s1.stats"
same "$T/em.profile" "$T/em-shards.profile" "sharded statistics give the profile of one run"
# threads: each counts into a learner of its own, merged: the profile of one thread
printf 'The spy company said the group in Could risks tensions.\n' >"$T/em3.txt"
expect_status 0 "learn -j 2" -- unspin learn -j 2 --no-default-dict -d "$T/story-th.undict" -o "$T/em-j1.profile" "$T/em1.txt" "$T/em2.txt" "$T/em3.txt"
expect_status 0 "learn -j 1" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/em-j2.profile" "$T/em1.txt" "$T/em2.txt" "$T/em3.txt"
same "$T/em-j1.profile" "$T/em-j2.profile" "learn -j 2 gives the profile of one thread"
expect_status 2 "learn -j with a missing file" -- unspin learn -j 2 --no-default-dict -d "$T/story-th.undict" -o "$T/x.profile" "$T/em1.txt" "$T/nope.txt" "$T/em2.txt"
expect_err "nope.txt: No such file" "learn -j names the missing file"
expect_status 2 "learn -j with pairs" -- unspin learn -j 2 -o "$T/x.profile" --pairs "$T/o1.txt" "$T/s1.txt"
printf 'The spy company\000 said.\n' >"$T/em-nul.txt"
expect_status 2 "learn from a text with a NUL byte" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/x.profile" "$T/em1.txt" "$T/em-nul.txt"
expect_err "em-nul.txt: byte offset 15: NUL byte" "NUL byte in a spun text message"
: >"$T/em-empty.txt"
expect_status 2 "learn from an empty text" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/x.profile" "$T/em-empty.txt"
expect_err "no words to learn from" "empty text message"
# the learned table restores
expect_status 0 "restore with an EM profile" -- unspin -d "$T/story-th.undict" --profile "$T/em.profile" "$T/spun.txt"
grep -q "^The spy agency joined" "$T/out" && ok || bad "EM profile restoration: $(cat "$T/out")"
# errors name the file and line
sed '3s/.*/l\tonly one/' "$T/s1.stats" >"$T/bad.stats"
expect_status 2 "malformed statistics" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/x.profile" --stats-in "$T/bad.stats"
expect_err "bad.stats: line 3: expected" "malformed statistics message"
printf 'not statistics\n' >"$T/bad2.stats"
expect_status 2 "not statistics" -- unspin learn --no-default-dict -d "$T/story-th.undict" -o "$T/x.profile" --stats-in "$T/bad2.stats"
expect_err "bad2.stats: line 1: not spun-text statistics" "not statistics message"
expect_status 2 "learn without a dictionary" -- unspin learn --no-default-dict -o "$T/x.profile" "$T/em1.txt"
expect_err "learning from spun text needs a dictionary" "learn without a dictionary message"

expect_status 2 "detect missing" -- unspin --detect "$T/missing.txt"
# a file called clean comes out unchanged unless --always: context fillers
# alone (no word list) do not make the verdict
printf 'The spy bureau joined the cyber defense group in May 2008.\n' >"$T/ctx.txt"
expect_status 0 "detect context-only" -- unspin --no-default-dict -d "$T/story.undict" --param context=0 --detect "$T/ctx.txt"
grep -q "ctx.txt: clean " "$T/out" && ok || bad "context fillers alone leave the verdict clean"
expect_status 0 "clean verdict" -- unspin --no-default-dict -d "$T/story.undict" --param context=0 "$T/ctx.txt"
same "$T/ctx.txt" "$T/out" "a file called clean is written unchanged"
expect_status 0 "always" -- unspin --no-default-dict -d "$T/story.undict" --param context=0 --always "$T/ctx.txt"
grep -q "spy agency joined" "$T/out" && ok || bad "--always restores a file called clean"
[ ! -s "$T/err" ] && ok || bad "--always: no note on stderr: $(cat "$T/err")"
expect_status 0 "clean verdict, the note" -- unspin --no-default-dict -d "$T/story.undict" --param context=0 "$T/ctx.txt"
expect_err "ctx.txt: judged clean (estimated share of spun words 0.0[0-9]*); written out unchanged (--always restores it anyway)" "a file left unchanged says so"
expect_status 0 "clean verdict, -q" -- unspin -q --no-default-dict -d "$T/story.undict" --param context=0 "$T/ctx.txt"
[ ! -s "$T/err" ] && ok || bad "-q: no note: $(cat "$T/err")"
same "$T/ctx.txt" "$T/out" "-q output unchanged"
expect_status 2 "bad profile" -- unspin --profile "$T/bad.txt" "$T/spun.txt"
expect_err "bad.txt: byte offset 3: invalid UTF-8" "bad profile message"
expect_status 2 "unknown param" -- unspin --param nonsense=1 "$T/spun.txt"
expect_status 2 "missing hunspell" -- unspin --hunspell "$T/nothing" "$T/spun.txt"
expect_err "nothing.aff" "missing hunspell message"

# --- learning a spinner from pairs ----------------------------------------------
printf 'The agency said it would act.\nIt was this year, the agency said.\n' >"$T/o1.txt"
printf 'The company stated it would act.\nIt was this 12 months, the firm stated.\n' >"$T/s1.txt"
printf 'The spy agency joined the group in May.\n' >"$T/o2.txt"
printf 'The spy bureau joined the group in Could.\n' >"$T/s2.txt"
expect_status 0 "learn --pairs" -- unspin learn -o "$T/p12.profile" --pairs "$T/o1.txt" "$T/s1.txt" "$T/o2.txt" "$T/s2.txt"
head -1 "$T/p12.profile" | grep -q '^# unspin profile 2$' && ok || bad "learned profile header: $(head -1 "$T/p12.profile")"
grep -q "$(printf '^agency\t3\t3\tbureau\t1\tcompany\t1\tfirm\t1$')" "$T/p12.profile" && ok || bad "learned counts: $(cat "$T/p12.profile")"
grep -q "$(printf '^year\t1\t1\t12 months\t1$')" "$T/p12.profile" && ok || bad "a phrase for a word: $(cat "$T/p12.profile")"
[ ! -s "$T/err" ] && ok || bad "learn is quiet off a terminal: $(cat "$T/err")"
# shards merge to the profile of one run
expect_status 0 "learn shard 1" -- unspin learn -o "$T/p1.profile" --pairs "$T/o1.txt" "$T/s1.txt"
printf '%s\t%s\n# a comment\n\n' "$T/o2.txt" "$T/s2.txt" >"$T/pairs.list"
expect_status 0 "learn --pairs-from" -- unspin learn -o "$T/p2.profile" --pairs-from "$T/pairs.list"
expect_status 0 "learn --merge" -- unspin learn -o "$T/merged.profile" --merge "$T/p1.profile" "$T/p2.profile"
same "$T/p12.profile" "$T/merged.profile" "merged shards equal one run"
# the learned profile restores, and makes the verdict
printf 'The spy firm joined the group in Could 2008.\n' >"$T/learned-spun.txt"
expect_status 0 "restore with a learned profile" -- unspin -d "$T/story.undict" --profile "$T/p12.profile" "$T/learned-spun.txt"
grep -q "^The spy agency joined the group in May 2008.$" "$T/out" && ok || bad "learned profile restoration: $(cat "$T/out")"
# errors name the file and line
printf '%s\n' "$T/o1.txt" >"$T/bad.list"
expect_status 2 "malformed pair list" -- unspin learn -o "$T/x.profile" --pairs-from "$T/bad.list"
expect_err "bad.list: line 1: expected ORIG<TAB>SPUN" "malformed pair list message"
expect_status 2 "odd pairs" -- unspin learn -o "$T/x.profile" --pairs "$T/o1.txt"
expect_err "ORIG SPUN pairs" "odd pairs message"
expect_status 2 "missing pair file" -- unspin learn -o "$T/x.profile" --pairs "$T/o1.txt" "$T/nope.txt"
expect_err "nope.txt" "missing pair file message"
expect_status 2 "learn --pairs and --merge" -- unspin learn -o "$T/x.profile" --pairs --merge "$T/s1.txt"
expect_err "learn takes --pairs or --merge, not both" "learn with two modes message"
expect_status 2 "stats with pairs" -- unspin learn -o "$T/x.profile" --stats-out "$T/x.stats" --pairs "$T/o1.txt" "$T/s1.txt"
expect_err "are for learning from spun text" "stats with pairs message"
expect_status 2 "merge a plain list" -- unspin learn -o "$T/x.profile" --merge "$T/spinner.profile"
expect_err "spinner.profile: a plain key|synonym list has no counts" "merge a plain list message"
printf '# unspin profile 2\nagency\t1\t2\tfirm\t2\n' >"$T/bad.profile"
expect_status 2 "malformed counted profile" -- unspin --profile "$T/bad.profile" "$T/spun.txt"
expect_err "bad.profile: line 2: more replacements than occurrences" "malformed counted profile message"
[ ! -e "$T/x.profile" ] && ok || bad "a failed learn writes no profile"
# hostile pairs: a NUL byte names the file and offset; empty files and a
# CRLF pair list are fine; a counted profile with a BOM and CRLF loads
printf 'The agency\000 said.\n' >"$T/nul.txt"
expect_status 2 "NUL byte in a pair" -- unspin learn -o "$T/x.profile" --pairs "$T/nul.txt" "$T/s1.txt"
expect_err "nul.txt: byte offset 10: NUL byte" "NUL byte in a pair message"
: >"$T/empty.txt"
printf '%s\t%s\r\n%s\t%s\r\n' "$T/empty.txt" "$T/empty.txt" "$T/empty.txt" "$T/s1.txt" >"$T/crlf.list"
expect_status 0 "empty pairs" -- unspin learn -o "$T/empty.profile" --pairs-from "$T/crlf.list"
[ "$(grep -vc '^#' "$T/empty.profile")" -eq 0 ] && ok || bad "empty pairs learn nothing: $(cat "$T/empty.profile")"
printf '\357\273\277# unspin profile 2\r\nagency\t3\t3\tcompany\t2\tfirm\t1\r\nmay\t2\t2\tcould\t2\r\n' >"$T/bom.profile"
expect_status 0 "counted profile with a BOM and CRLF" -- unspin -d "$T/story.undict" --profile "$T/bom.profile" "$T/spun.txt"
same "$T/restored.expected" "$T/out" "counted profile with a BOM and CRLF restores"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
