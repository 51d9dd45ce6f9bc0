# shellcheck shell=bash disable=SC2034  # src, work, ...: for the tests that source this
# Sourced by the install tests (usage: TEST BUILD_DIR SOURCE_DIR). Installs the build into a fresh
# prefix under a temporary directory, $work/prefix, and leaves an environment that sees that
# prefix only: no LD_LIBRARY_PATH, pkg-config limited to the prefix's .pc files.
set -euo pipefail
shopt -s inherit_errexit
build="$(cd "$1" && pwd)"; src="$(cd "$2" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/chainerser-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir="$(dirname "$(find "$prefix" -name libchainerser.so.0)")"
unset LD_LIBRARY_PATH
export PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH=""

fail() { echo "FAIL: $*" >&2; exit 1; }

# The program $2 loads the libraries $3.. (default libchainerser) from $1, and any other of ours
# it uses (the Fortran module library, the MPI flavour) from there too.
expect_loads_from() {
    local dir="$1" program="$2" lib path; shift 2
    local required=" ${*:-libchainerser.so.0} "
    for lib in libchainerser.so.0 libchainerser_fortran.so.0 libchainerser_mpi.so.0 libchainerser_fortran_mpi.so.0; do
        path="$(ldd "$program" | awk -v l="$lib" '$1 == l { print $3 }')"
        [ -z "$path" ] && [[ "$required" != *" $lib "* ]] && continue
        [ "$(realpath -m "$path")" = "$(realpath "$dir/$lib")" ] ||
            fail "$program loads $lib from '${path:-nowhere}', not from $dir"
    done
}

# Configures and builds the CMake project $1 in $work/$2 against the prefix, and nothing else.
build_cmake_consumer() {
    local project="$1" out="$work/$2"; shift 2
    cmake -S "$project" -B "$out" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
          -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF "$@" >/dev/null
    grep -qx "chainerser_DIR:PATH=$prefix/.*" "$out/CMakeCache.txt" ||
        fail "$project found chainerser outside $prefix: $(grep chainerser_DIR "$out/CMakeCache.txt")"
    cmake --build "$out" >/dev/null
}

# The installed command reads back what a consumer wrote.
expect_sound() { "$prefix/bin/chainerser" verify "$1" >/dev/null || fail "chainerser verify $1"; }

# Compiles $3.. with compiler $1 and pkg-config package $2 into $work/$(basename of the source).pc;
# the RUNPATH flag is what a user of a prefix outside the linker's path adds.
build_pkgconfig_consumer() {
    local compiler="$1" package="$2" source="$3" out; shift 3
    out="$work/$(basename "${source%.*}").pc"
    # shellcheck disable=SC2046  # pkg-config's flags are meant to split
    "$compiler" "$@" "$source" $(pkg-config --cflags --libs "$package") \
        -Wl,-rpath,"$(pkg-config --variable=libdir "$package")" -o "$out"
    expect_loads_from "$libdir" "$out" "lib${package//-/_}.so.0"
    echo "$out"
}

# Builds the example $2 against the prefix twice, with the CMake project $1 (which compiles
# EXAMPLE_SOURCE into `consumer`) and with compiler $3 and pkg-config; runs both and checks what
# they wrote with the installed command.
consume_example() {
    local project="$1" source="$2" compiler="$3" name; shift 3
    name="$(basename "$project")"
    build_cmake_consumer "$project" "$name-cmake" -DEXAMPLE_SOURCE="$source"
    expect_loads_from "$libdir" "$work/$name-cmake/consumer"
    "$work/$name-cmake/consumer" "$work/$name-by-cmake.npz" >/dev/null
    expect_sound "$work/$name-by-cmake.npz"

    local program
    program="$(build_pkgconfig_consumer "$compiler" chainerser "$source" "$@")"
    "$program" "$work/$name-by-pkgconfig.npz" >/dev/null
    expect_sound "$work/$name-by-pkgconfig.npz"
}
