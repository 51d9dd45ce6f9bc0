#!/usr/bin/env bash
# Installs the build into a scratch prefix, then builds the examples against the installed tree
# both ways: find_package (from a C-only CMake project) and pkg-config (C and C++).
set -euo pipefail
build="$1"; src="$2"
prefix="$(mktemp -d)"; trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir="$(dirname "$(find "$prefix" -name 'libchainerser.so.0' | head -1)")"
test -L "$libdir/libchainerser.so" && test -L "$libdir/libchainerser.so.0"
test -x "$prefix/bin/chainerser"
export LD_LIBRARY_PATH="$libdir"

cmake -S "$src/tests/install/consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DDEMO_SOURCE="$src/examples/demo.c" >/dev/null
cmake --build "$prefix/consumer-build" >/dev/null
"$prefix/consumer-build/consumer" "$prefix/by_cmake.npz" >/dev/null

export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c99 -Wall -Werror "$src/examples/demo.c" $(pkg-config --cflags --libs chainerser) -o "$prefix/demo_pc"
"$prefix/demo_pc" "$prefix/by_pkgconfig.npz" >/dev/null
c++ -std=c++17 -Wall -Werror "$src/examples/mlp_serializable.cpp" $(pkg-config --cflags --libs chainerser) -o "$prefix/mlp_pc"
"$prefix/mlp_pc" "$prefix/mlp.npz" >/dev/null
"$prefix/bin/chainerser" verify "$prefix/by_pkgconfig.npz" >/dev/null
echo "installed tree works with find_package and pkg-config"
