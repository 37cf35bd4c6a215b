#!/bin/sh
# Downloads npm package NAME@VERSION (through npm's configured registry)
# and unpacks it into WORK_DIR/package, unless that is already there.
# usage: npm-fetch.sh WORK_DIR NAME VERSION
set -eu
work=$1 name=$2 version=$3
mkdir -p "$work"
if [ ! -d "$work/package" ]; then
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null 2>&1) ||
    { echo "npm-fetch.sh: npm could not fetch $name@$version" >&2; exit 1; }
  tar xzf "$work/$name-$version.tgz" -C "$work"
fi
