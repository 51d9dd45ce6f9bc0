#!/usr/bin/env bash
# The MPI flavour's benchmark on 1, 2 and 4 ranks (results in bench/RESULTS.md).
# usage: bench/run_mpi_bench.sh BUILD_MPI_DIR [MiB] [runs]
set -euo pipefail
build="$1"; mib="${2:-64}"; runs="${3:-3}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for np in 1 2 4; do
    mpirun --oversubscribe -np "$np" "$build/bench/chainerser_mpi_bench" "$out" "$mib" "$runs" | { [ "$np" = 1 ] && cat || tail -n +2; }
done
