#!/bin/sh
# The libunspin(3) page generated from include/unspin.h: every exported
# function is in it (make-man-page.py --check), it names the one-call
# interface, and groff formats it without a warning.
# usage: man.sh PYTHON SOURCE_DIR
set -eu
python=$1 src=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$python" "$src/docs/make-man-page.py" "$src/include/unspin.h" -o "$T/libunspin.3" --check
grep -q '^\.TH LIBUNSPIN 3' "$T/libunspin.3" || { echo "FAIL: no .TH line"; exit 1; }
grep -q 'unspin_analyze(' "$T/libunspin.3" || { echo "FAIL: unspin_analyze missing"; exit 1; }
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$T/libunspin.3" 2>"$T/warnings"
  if [ -s "$T/warnings" ]; then
    echo "FAIL: groff warns:"; cat "$T/warnings"; exit 1
  fi
fi
echo "ok: libunspin(3) documents every exported function"
