#!/bin/sh
# Hostile and odd input for the unspin command: each case has a clear
# outcome, and unrestored text always comes out byte for byte.
# usage: hostile.sh UNSPIN [large]
#   large: instead, stream 1 GB (and 20 MB with a dictionary) through unspin
#   and check the bytes and the peak memory
set -u
UNSPIN=$1
LARGE=${2:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-hostile.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
export UNSPIN_DEFAULT_DICT="$T/none"
unspin() { "$UNSPIN" --no-default-dict "$@"; }

# runs unspin on FILE with the story dictionary; the output must equal FILE
# and the exit status WANT
through() { # through WANT DESCRIPTION FILE [OPTION...]
  want=$1 what=$2 f=$3
  shift 3
  unspin -d "$T/story.undict" "$@" "$f" >"$T/out" 2>"$T/err"
  got=$?
  [ "$got" -eq "$want" ] && ok || bad "$what: exit $got, expected $want ($(head -c 300 "$T/err"))"
  cmp -s "$f" "$T/out" && ok || bad "$what: output differs from input"
}

printf 'The spy agency joined the cyber defense group in May 2008.\nThe agency said the move risks inflaming tensions.\n' >"$T/story.txt"
"$UNSPIN" build -o "$T/story.undict" "$T/story.txt" || bad "story build"

# 1 GB through standard input (no dictionary: the tokenizer and the
# windows), then 20 MB restored against the story dictionary: exact bytes,
# and peak memory that does not grow with the input
if [ "$LARGE" = large ]; then
  if [ -x /usr/bin/time ]; then
    line='The spy company joined the group in Could 2008, officials mentioned.'
    for case in "1000000000" "20000000 -d $T/story.undict"; do
      set -- $case
      size=$1
      shift
      want=$(yes "$line" | head -c "$size" | cksum)
      got=$(yes "$line" | head -c "$size" |
        /usr/bin/time -f '%M' -o "$T/rss" "$UNSPIN" --no-default-dict "$@" - | cksum)
      [ "$want" = "$got" ] && ok || bad "$size-byte stream: $got, expected $want"
      rss=$(cat "$T/rss")
      echo "$size bytes through unspin $*: peak RSS $rss KB"
      [ "$rss" -lt 300000 ] && ok || bad "$size-byte stream used $rss KB"
    done
  else
    echo "note: /usr/bin/time missing; large-input test skipped"
  fi
  echo "$pass passed, $failn failed"
  [ "$failn" -eq 0 ]
  exit
fi

printf '   \n\t\t\n  \r\n\n' >"$T/space.txt"
through 0 "whitespace only" "$T/space.txt"
printf 'agency' >"$T/word.txt"
through 0 "one word, no newline" "$T/word.txt"
printf 'Agency.\n' >"$T/word2.txt"
through 0 "one word sentence" "$T/word2.txt"

# a 1 MB "word"
head -c 1000000 /dev/zero | tr '\0' 'a' >"$T/bigword.txt"
through 0 "1 MB word" "$T/bigword.txt"

# a binary file: passed through, invalid UTF-8 reported once
head -c 300000 /dev/urandom >"$T/binary.bin"
through 0 "binary file" "$T/binary.bin"
grep -q "binary.bin: warning: invalid UTF-8 at byte offset" "$T/err" && ok || bad "binary warning"
unspin -d "$T/story.undict" --strict "$T/binary.bin" >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && grep -q "binary.bin: invalid UTF-8 at byte offset" "$T/err" && ok ||
  bad "binary file, --strict: $(cat "$T/err")"
[ -s "$T/out" ] && bad "--strict wrote output for a binary file" || ok

# a long single line of words: several windows, long "sentences" decoded
# in pieces; restored text keeps every other byte
yes 'the spy agency said the move risks inflaming tensions with China and' | tr '\n' ' ' |
  head -c 3000000 >"$T/line.txt"
through 0 "3 MB single line" "$T/line.txt"
unspin -d "$T/story.undict" --json "$T/line.txt" >"$T/line.json" 2>"$T/err"
[ "$(grep -c '^{"file":' "$T/line.json")" -ge 3 ] && ok || bad "one JSON object per 1 MiB window"
grep -q '"file":".*line.txt@[0-9]' "$T/line.json" && ok || bad "later windows are named FILE@OFFSET"
unspin -d "$T/story.undict" --detect "$T/line.txt" >"$T/out" 2>"$T/err"
grep -q "line.txt: clean 0" "$T/out" && ok || bad "one verdict for a file of several windows: $(cat "$T/out")"

# a 100 MB single line, no dictionary: bounded memory, exact bytes
if command -v cksum >/dev/null; then
  want=$(yes 'word ' | tr -d '\n' | head -c 100000000 | cksum)
  got=$(yes 'word ' | tr -d '\n' | head -c 100000000 | unspin - | cksum)
  [ "$want" = "$got" ] && ok || bad "100 MB single line: $got, expected $want"
fi

# a directory, a missing file, a file without read permission
mkdir "$T/dir"
unspin "$T/dir" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "dir: is a directory" "$T/err" && ok || bad "directory"
unspin "$T/missing" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "missing: No such file" "$T/err" && ok || bad "missing file"
printf 'secret\n' >"$T/locked.txt"
chmod 000 "$T/locked.txt"
if [ -r "$T/locked.txt" ] && command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  # root reads anything: ask as nobody, for a file in a directory nobody may enter
  chmod 711 "$T"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$UNSPIN" --no-default-dict \
    "$T/locked.txt" >/dev/null 2>"$T/err"
  st=$?
  chmod 700 "$T"
  if [ "$st" -eq 126 ] || [ "$st" -eq 127 ]; then
    echo "note: nobody cannot run $UNSPIN here; permission test skipped"
  else
    [ "$st" -eq 2 ] && grep -q "locked.txt: Permission denied" "$T/err" && ok ||
      bad "permission denied (as nobody): exit $st $(cat "$T/err")"
  fi
elif [ -r "$T/locked.txt" ]; then
  echo "note: this user reads mode-000 files; permission test skipped"
else
  unspin "$T/locked.txt" >/dev/null 2>"$T/err"
  [ $? -eq 2 ] && grep -q "locked.txt: Permission denied" "$T/err" && ok || bad "permission denied"
fi

# spinner profiles with empty fields and 1 MB lines: accepted, no crash
{
  printf 'agency||firm|\n|\n||\n\n|company\nmay|\n'
  head -c 1000000 /dev/zero | tr '\0' 'b'
  printf '|company\nagency|'
  head -c 1000000 /dev/zero | tr '\0' 'c'
  printf '\n'
} >"$T/odd.profile"
through 0 "profile with empty fields and 1 MB lines" "$T/story.txt" --profile "$T/odd.profile"
printf 'agency|firm|company\n' >"$T/good.profile"
printf 'The spy company joined the cyber defense group in May 2008.\n' >"$T/spun.txt"
unspin -d "$T/story.undict" --profile "$T/odd.profile" --profile "$T/good.profile" --always "$T/spun.txt" \
  >"$T/out" 2>"$T/err"
grep -q "spy agency joined" "$T/out" && ok || bad "odd profile beside a good one: $(cat "$T/out")"

# a dictionary cut at every 97th byte and with bytes flipped: an error
# naming the file, never a crash
size=$(wc -c <"$T/story.undict")
n=1
while [ "$n" -lt "$size" ]; do
  head -c "$n" "$T/story.undict" >"$T/cut.undict"
  unspin -d "$T/cut.undict" "$T/word.txt" >/dev/null 2>"$T/err"
  st=$?
  [ "$st" -eq 2 ] && grep -q "cut.undict" "$T/err" || { bad "dictionary cut at $n: exit $st"; break; }
  n=$((n + 97))
done
[ "$n" -ge "$size" ] && ok
for at in 0 8 100 1000 2000 $((size / 2)) $((size - 8)); do
  cp "$T/story.undict" "$T/flip.undict"
  printf '\252' | dd of="$T/flip.undict" bs=1 seek="$at" conv=notrunc 2>/dev/null
  unspin -d "$T/flip.undict" "$T/word.txt" >/dev/null 2>"$T/err"
  st=$?
  if cmp -s "$T/story.undict" "$T/flip.undict"; then ok; continue; fi # the byte was 0xAA already
  [ "$st" -eq 2 ] && grep -q "flip.undict" "$T/err" && ok || bad "byte flipped at $at: exit $st"
done

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
