#!/bin/sh
# Prints the Moby thesaurus (Grady Ward's Moby Thesaurus II, public domain;
# npm package moby, MIT) as a flat synonym list, one line per headword:
# "headword,term,term,...".
# usage: moby-list.sh WORK_DIR > OUT
# WORK_DIR receives the downloaded package; npm must be on the PATH.
set -eu
work=$1
sh "$(dirname "$0")/npm-fetch.sh" "$work" moby 1.1.2
tr -d '\r' < "$work/package/words.txt"
