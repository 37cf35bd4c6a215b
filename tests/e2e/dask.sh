#!/bin/sh
# Runs the Dask example's test (dask_example.py) with a Python 3 that has
# Debian's python3-distributed; skipped (77) where none has it, unless
# UNSPIN_REQUIRE_DASK=1 (CI) makes that a failure.
# usage: dask.sh UNSPIN EXAMPLE_DIR
set -u
here=$(dirname "$0")
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import distributed, dask.bag' 2>/dev/null; then
    exec "$py" "$here/dask_example.py" "$@"
  fi
done
echo "no python3 with the distributed module (apt-get install python3-distributed)"
[ "${UNSPIN_REQUIRE_DASK:-0}" = 1 ] && exit 1
exit 77
