#!/bin/sh
# The shared library exports only unspin_* symbols.
set -eu
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
[ -n "$syms" ] || { echo "no exported symbols found in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^unspin_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported without the unspin_ prefix:"; printf '%s\n' "$bad"; exit 1
fi
echo "$(printf '%s\n' "$syms" | wc -l) exported symbols, all unspin_*"
printf '%s\n' "$syms" | grep -qx unspin_analyze
