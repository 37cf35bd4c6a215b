#!/bin/sh
# Prints the English prose of WordNet: each gloss's definitions and its
# quoted example sentences, one per line (the licence header and the
# synset pointers are dropped).
# usage: wordnet-text.sh WORDNET_DIR > OUT
set -eu
dir=$1
for pos in noun verb adj adv; do
  f=$dir/data.$pos
  [ -r "$f" ] || { echo "wordnet-text.sh: $f: not readable (install the Debian package wordnet-base)" >&2; exit 1; }
  # keep the gloss after "| ", split its parts at "; ", drop the quotes of examples
  sed -n 's/^[0-9][0-9]* .* | //p' "$f" |
    sed 's/ *$//; s/; /\n/g' | sed 's/^"//; s/"$//'
done
