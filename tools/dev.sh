#!/usr/bin/env bash
# The project's two entry points (see README):
#   tools/dev.sh demo   install what is missing, build, write and read a checkpoint through the C API
#   tools/dev.sh test   install what is missing, build everything, run the whole test suite
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CHAINERSER_BUILD_DIR:-$here/build}"
build_mpi="${CHAINERSER_MPI_BUILD_DIR:-$here/build-mpi}"
jobs="$(nproc 2>/dev/null || echo 2)"

packages=(cmake g++ make pkg-config libzip-dev libhdf5-dev libdeflate-dev zlib1g-dev
          googletest libgtest-dev python3-numpy python3-h5py gfortran golang-go doxygen abigail-tools
          clang-14 libclang-rt-14-dev valgrind                             # tools/hardening.sh
          build-essential debhelper dpkg-dev lintian man-db groff-base git  # tools/package_test.sh
          libopenmpi-dev openmpi-bin libhdf5-openmpi-dev                    # the MPI flavour (docs/mpi.md)
          python3-h5py-mpi python3-mpi4py)                                  # its h5py interop tests (tests/mpi)
# A Rust toolchain may already be there from rustup; only then is Debian's left out.
export PATH="$PATH:$HOME/.cargo/bin"
command -v cargo >/dev/null 2>&1 || packages+=(cargo)

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    cmake --build "$build" -j "$jobs"
}

case "${1:-}" in
    demo)
        install_missing
        configure_and_build
        "$build/examples/chainerser_demo" "$build/demo_mlp.npz"
        /usr/bin/python3 -c "import numpy, sys; z = numpy.load(sys.argv[1], allow_pickle=True); \
print('numpy.load reads it back:', {k: z[k].shape for k in sorted(z.files)})" "$build/demo_mlp.npz"
        ;;
    test)
        install_missing
        configure_and_build
        (cd "$build" && ctest --output-on-failure -j "$jobs")
        # The Debian packages: built, linted, installed into a clean root and linked against.
        "$here/tools/package_test.sh" "$build/debian-packages"
        # The MPI flavour in a build of its own: only its libraries and tests (label mpi) are
        # built and run there; the serial suite above covers the shared sources. Open MPI refuses
        # root unless told, and CI runs as root. The Fortran modules are on (the Fortran MPI
        # binding, libchainerser_fortran_mpi, and its tests); the other bindings are off.
        # install_mpi runs cmake --install there, so every installed target is built
        # (libchainerser and libchainerser_fortran too). The benchmark is built for its quick
        # mode (ctest mpi_bench_quick, bench/run_mpi_bench.sh).
        cmake -S "$here" -B "$build_mpi" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAINERSER_MPI=ON \
              -DCHAINERSER_BUILD_BINDINGS=OFF -DCHAINERSER_BUILD_EXAMPLES=OFF -DCHAINERSER_BUILD_BENCH=ON \
              -DCHAINERSER_BUILD_TOOLS=OFF -DCHAINERSER_BUILD_FUZZERS=OFF -DCHAINERSER_BUILD_FORTRAN=ON
        cmake --build "$build_mpi" -j "$jobs" --target chainerser chainerser_mpi mpi_tests h5py_interop_tests \
              mpi_header_check_c99 mpi_domain chainerser_fortran chainerser_fortran_mpi chainerser_fortran_mpi_test \
              chainerser_mpi_bench chainerser_bench
        (cd "$build_mpi" && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
             ctest --output-on-failure -L mpi)
        # Sanitizers, valgrind and fuzzing (docs/security.md); slower, so after the main suite.
        "$here/tools/hardening.sh" "$build"
        echo "dev.sh test: build, test suite, Debian packages and hardening stages all passed"
        ;;
    *)
        echo "usage: tools/dev.sh demo|test" >&2
        exit 2
        ;;
esac
