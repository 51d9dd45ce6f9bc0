#!/usr/bin/env bash
# The MPI flavour: consumer.c built against the installed prefix with find_package
# (chainerser::mpi) and with pkg-config (chainerser-mpi) and mpicc, each run on two ranks.
# Usage: test.sh BUILD_DIR SOURCE_DIR MPIRUN
source "$(dirname "$0")/../lib.sh"
mpirun="$3"
here="$src/tests/install/mpi"
# chainerser-mpi.pc requires Open MPI's ompi-c, which is the system's, not the prefix's.
PKG_CONFIG_LIBDIR="$PKG_CONFIG_LIBDIR:$(env -u PKG_CONFIG_LIBDIR pkg-config --variable=pcfiledir ompi-c)"
[ "$(pkg-config --variable=pcfiledir chainerser-mpi)" = "$libdir/pkgconfig" ] ||
    fail "pkg-config finds chainerser-mpi outside $prefix"

run() {
    local program="$1" name="$2"
    expect_loads_from "$libdir" "$program" libchainerser_mpi.so.0
    "$mpirun" --oversubscribe -np 2 "$program" "$work/$name.npz" "$work/$name.h5" ||
        fail "$program on two ranks"
    /usr/bin/python3 "$here/check.py" "$work/$name.npz" "$work/$name.h5" || fail "$name's checkpoints"
}

build_cmake_consumer "$here" mpi-cmake
run "$work/mpi-cmake/consumer" by-cmake
run "$(build_pkgconfig_consumer mpicc chainerser-mpi "$here/consumer.c" -std=c99 -Wall -Wextra -Werror)" by-pkgconfig
echo "MPI consumer built against $prefix with find_package and pkg-config, run on two ranks"
