#!/bin/sh
# Installs the build into a temporary prefix and builds a small program
# against it with pkg-config and with CMake's find_package, shared and static.
# usage: run.sh BUILD_DIR THIS_DIR
set -eu
BUILD=$1
HERE=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/unspin-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
PREFIX=$T/prefix
cmake --install "$BUILD" --prefix "$PREFIX" >"$T/install.log"
LIBDIR=$(dirname "$(find "$PREFIX" -name 'libunspin.so' | head -1)")
for f in "$PREFIX/include/unspin.h" "$PREFIX/bin/unspin" "$LIBDIR/libunspin.a" \
         "$LIBDIR/pkgconfig/unspin.pc" "$LIBDIR/cmake/unspin/unspinConfig.cmake"; do
  [ -e "$f" ] || { echo "not installed: $f"; exit 1; }
done
# the manual pages, where the build made them (it needs python3)
if [ -f "$BUILD/libunspin.3" ]; then
  for f in man3/libunspin.3 man1/unspin.1; do
    [ -f "$PREFIX/share/man/$f" ] || { echo "not installed: $f"; exit 1; }
  done
fi
# the installed command finds the dictionary installed beside it (wherever
# the tree was put) and names it
if [ -f "$PREFIX/share/unspin/default.undict" ]; then
  mv "$PREFIX" "$T/moved"
  env -u UNSPIN_DEFAULT_DICT LD_LIBRARY_PATH="$T/moved/${LIBDIR#"$PREFIX"/}" \
    "$T/moved/bin/unspin" --version >"$T/version"
  dict=$(cd "$T/moved/share/unspin" && pwd -P)/default.undict
  grep -q "^dictionary: $dict (id " "$T/version" ||
    { echo "--version of the moved install tree: $(cat "$T/version")"; exit 1; }
  echo "ok: the install tree carries its dictionary"
  mv "$T/moved" "$PREFIX"
fi
readelf -d "$LIBDIR/libunspin.so" | grep -q 'SONAME.*libunspin\.so\.0' || { echo "no versioned SONAME"; exit 1; }
want="Spy company, Korea.|5 tokens"
check() { # check DESCRIPTION BINARY
  got=$(LD_LIBRARY_PATH="$LIBDIR" "$2" "Spy company, Korea.")
  [ "$got" = "$want" ] || { echo "$1: got '$got', expected '$want'"; exit 1; }
  echo "ok: $1"
}

# pkg-config, shared and static
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
cc=${CC:-cc}
$cc -std=c11 -Wall -Werror "$HERE/consumer/consumer.c" -o "$T/pc_shared" \
  $(pkg-config --cflags --libs unspin)
check "pkg-config shared" "$T/pc_shared"
$cc -std=c11 -Wall -Werror -DUNSPIN_STATIC_DEFINE "$HERE/consumer/consumer.c" -o "$T/pc_static" \
  $(pkg-config --cflags unspin) "$LIBDIR/libunspin.a" $(pkg-config --static --libs unspin)
check "pkg-config static" "$T/pc_static"
ldd "$T/pc_static" | grep -q libunspin && { echo "static build links libunspin.so"; exit 1; }

# find_package(unspin)
cmake -S "$HERE/consumer" -B "$T/cbuild" -DCMAKE_PREFIX_PATH="$PREFIX" >"$T/cmake.log" 2>&1 ||
  { cat "$T/cmake.log"; exit 1; }
cmake --build "$T/cbuild" >"$T/cbuild.log" 2>&1 || { cat "$T/cbuild.log"; exit 1; }
check "find_package shared" "$T/cbuild/consumer_shared"
check "find_package static" "$T/cbuild/consumer_static"
