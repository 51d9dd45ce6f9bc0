#!/usr/bin/env bash
# The MPI flavour's benchmark (issue 12; results in bench/RESULTS.md): W1t saved and read on 1, 2
# and 4 ranks by chainerser_mpi_bench (ours) and bench/mpi_peers.py (h5py's MPI driver, the
# ChainerMN pattern) from the same data, sharded and replicated, NPZ compressed and HDF5 gzip 4;
# ours also on 1 rank x 2 threads. Prints one table (mpi_peers.py table) and the load average.
#
#   bench/run_mpi_bench.sh BUILD_MPI_DIR [--scale S] [--runs N] [--ranks "1 2 4"] [--keep DIR]
#   bench/run_mpi_bench.sh BUILD_MPI_DIR --quick DIR
#       CI's quick mode (ctest mpi_bench_quick): W1t at scale 0.02 on 2 ranks, one run, files left
#       in DIR and checked with NumPy / h5py (mpi_peers.py check); no timing is judged.
#
# BUILD_MPI_DIR is a build with -DCHAINERSER_MPI=ON -DCHAINERSER_BUILD_BENCH=ON
# (chainerser_mpi_bench and chainerser_bench built). Run as root: OMPI_ALLOW_RUN_AS_ROOT=1 and
# OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are set here; ranks beyond the cores are oversubscribed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$1"; shift
scale=1; runs=3; ranks="1 2 4"; quick=""; keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --ranks) ranks="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --quick) quick=1; keep="$2"; scale=0.02; runs=1; ranks=2; shift 2 ;;
        *) echo "run_mpi_bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "$keep" ]; then
    out="$keep"; rm -rf "$out"; mkdir -p "$out"
else
    out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun="${MPIRUN:-mpirun}"
# Open MPI binds each rank to a core when there are no more ranks than cores (1 and 2 ranks here,
# not 4): 1 rank x 2 threads would then run both threads on one core, and a bound rank cannot
# move off a core that other work is using. So no binding, for every run.
mpiflags=(--oversubscribe --bind-to none)
py=/usr/bin/python3
results="$out/results.jsonl"
: > "$results"
"$build/bench/chainerser_bench" gen W1t "$out/src.npz" --scale "$scale"
echo "load before: $(uptime)"
for np in $ranks; do
    for layout in sharded replicated; do
        threads_list=1
        [ "$np" = 1 ] && [ -z "$quick" ] && threads_list="1 2"
        for t in $threads_list; do
            "$mpirun" "${mpiflags[@]}" -np "$np" "$build/bench/chainerser_mpi_bench" "$out" --layout "$layout" \
                --scale "$scale" --runs "$runs" --threads "$t" | tee -a "$results" >&2
        done
        "$mpirun" "${mpiflags[@]}" -np "$np" "$py" "$here/mpi_peers.py" save "$out/src.npz" "$out" --layout "$layout" \
            --runs "$runs" | tee -a "$results" >&2
    done
done
echo "load after: $(uptime)"
if [ -n "$quick" ]; then
    "$py" "$here/mpi_peers.py" check "$out/src.npz" "$out"
fi
"$py" "$here/mpi_peers.py" table "$results"
