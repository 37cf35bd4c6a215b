#!/bin/sh
# Downloads npm package NAME@VERSION (through npm's configured registry)
# and unpacks it into WORK_DIR/package, unless that is already there.
# usage: npm-fetch.sh WORK_DIR NAME VERSION
set -eu
work=$1 name=$2 version=$3
mkdir -p "$work"
if [ ! -d "$work/package" ]; then
  # npm pack prints the tarball's name ("scope-name-version.tgz" for a
  # scoped package) on its last line
  out=$(cd "$work" && npm pack --silent "$name@$version" 2>/dev/null) ||
    { echo "npm-fetch.sh: npm could not fetch $name@$version" >&2; exit 1; }
  tgz=$(printf '%s\n' "$out" | tail -n 1)
  tar xzf "$work/$tgz" -C "$work"
fi
