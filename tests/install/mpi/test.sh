#!/usr/bin/env bash
# The MPI flavour: consumer.c built against the installed prefix with find_package
# (chainerser::mpi) and with pkg-config (chainerser-mpi) and mpicc, and consumer.f90 with
# find_package (chainerser::fortran_mpi) and with pkg-config (chainerser-fortran-mpi) and mpif90
# when the build has the Fortran MPI binding (FORTRAN_MPI = 1); each run on two ranks.
# Usage: test.sh BUILD_DIR SOURCE_DIR MPIRUN [FORTRAN_MPI]
source "$(dirname "$0")/../lib.sh"
mpirun="$3" fortran_mpi="${4:-0}"
here="$src/tests/install/mpi"
# chainerser-mpi.pc requires Open MPI's ompi-c, which is the system's, not the prefix's.
PKG_CONFIG_LIBDIR="$PKG_CONFIG_LIBDIR:$(env -u PKG_CONFIG_LIBDIR pkg-config --variable=pcfiledir ompi-c)"
[ "$(pkg-config --variable=pcfiledir chainerser-mpi)" = "$libdir/pkgconfig" ] ||
    fail "pkg-config finds chainerser-mpi outside $prefix"

run() {
    local program="$1" name="$2"
    expect_loads_from "$libdir" "$program" libchainerser_mpi.so.0
    # The MPI flavour carries the whole API: the serial library (and serial HDF5) never joins it.
    [ -z "$(ldd "$program" | awk '$1 == "libchainerser.so.0"')" ] || fail "$program loads the serial libchainerser too"
    "$mpirun" --oversubscribe -np 2 "$program" "$work/$name.npz" "$work/$name.h5" ||
        fail "$program on two ranks"
    /usr/bin/python3 "$here/check.py" "$work/$name.npz" "$work/$name.h5" || fail "$name's checkpoints"
}

build_cmake_consumer "$here" mpi-cmake
run "$work/mpi-cmake/consumer" by-cmake
run "$(build_pkgconfig_consumer mpicc chainerser-mpi "$here/consumer.c" -std=c99 -Wall -Wextra -Werror)" by-pkgconfig
if [ "$fortran_mpi" = 1 ]; then
    [ -e "$libdir/libchainerser_fortran_mpi.so.0" ] || fail "libchainerser_fortran_mpi.so.0 is not installed"
    [ -e "$prefix/include/chainerser/fortran-mpi/chainerser_mpi.mod" ] || fail "chainerser_mpi.mod is not installed"
    build_cmake_consumer "$here/fortran" mpi-fortran-cmake
    run "$work/mpi-fortran-cmake/consumer" fortran-by-cmake
    run "$(build_pkgconfig_consumer mpif90 chainerser-fortran-mpi "$here/consumer.f90" -std=f2018 -Wall -Werror)" \
        fortran-by-pkgconfig
    echo "Fortran MPI consumer built against $prefix with find_package and pkg-config, run on two ranks"
fi
echo "MPI consumer built against $prefix with find_package and pkg-config, run on two ranks"
