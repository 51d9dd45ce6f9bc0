#!/usr/bin/env bash
# Fortran: a program using the installed module, built with find_package (chainerser::fortran)
# and with pkg-config (chainerser-fortran).
source "$(dirname "$0")/../lib.sh"
build_cmake_consumer "$src/tests/install/fortran" fortran-cmake
expect_loads_from "$libdir" "$work/fortran-cmake/consumer"
mkdir "$work/by_cmake"
"$work/fortran-cmake/consumer" "$work/by_cmake" >/dev/null
expect_sound "$work/by_cmake/fortran.npz"
expect_sound "$work/by_cmake/fortran.h5"

program="$(build_pkgconfig_consumer gfortran chainerser-fortran "$src/tests/install/fortran/consumer.f90" \
           -std=f2018 -Wall -Werror)"
mkdir "$work/by_pkgconfig"
"$program" "$work/by_pkgconfig" >/dev/null
expect_sound "$work/by_pkgconfig/fortran.npz"
echo "Fortran consumer built against $prefix with find_package and pkg-config"
