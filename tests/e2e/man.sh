#!/bin/sh
# The manual pages: libunspin(3) generated from include/unspin.h has every
# exported function (make-man-page.py --check) and names the one-call
# interface; unspin(1) generated from unspin --help has an entry for every
# option the help lists; groff formats both without a warning.
# usage: man.sh PYTHON SOURCE_DIR UNSPIN
set -eu
python=$1 src=$2 unspin=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
gen="$src/docs/make-man-page.py"
"$python" "$gen" "$src/include/unspin.h" -o "$T/libunspin.3" --check
grep -q '^\.TH LIBUNSPIN 3' "$T/libunspin.3" || fail "libunspin(3) has no .TH line"
grep -q 'unspin_analyze(' "$T/libunspin.3" || fail "unspin_analyze missing from libunspin(3)"
"$python" "$gen" "$src/include/unspin.h" --cli "$unspin" -o "$T/unspin.1"
grep -q '^\.SH OPTIONS' "$T/unspin.1" || fail "unspin(1) has no OPTIONS section"
"$unspin" --help | sed -n 's/^ \{2,6\}\(-[^ ]*\).*/\1/p' | tr -d , >"$T/options"
[ -s "$T/options" ] || fail "no options found in unspin --help"
while read -r opt; do
  grep -q -e "^\\\\fB$opt" -e "^\\\\fB-., $opt" "$T/unspin.1" || fail "unspin(1) lacks $opt"
done <"$T/options"
if command -v groff >/dev/null; then
  for page in libunspin.3 unspin.1; do
    groff -man -Tutf8 -ww -z "$T/$page" 2>"$T/warnings"
    [ ! -s "$T/warnings" ] || { cat "$T/warnings"; fail "groff warns about $page"; }
  done
fi
echo "ok: libunspin(3) documents every exported function, unspin(1) every option"
