#!/usr/bin/env bash
# The hardening stages of `tools/dev.sh test`, after the normal build and ctest:
#   asan      the whole suite built with AddressSanitizer + UndefinedBehaviorSanitizer (gcc)
#   tsan      the threaded tests (names matching *Concurren* or *Thread*) under ThreadSanitizer (gcc)
#   valgrind  the C API tests (api_tests of the normal build) under valgrind memcheck
#   fuzz      every libFuzzer target in fuzz/ (clang), FUZZ_SECONDS each (default 60)
# Usage: tools/hardening.sh BUILD_DIR [stage...]   (no stage = all; sanitizer builds go to BUILD_DIR-asan,
#        BUILD_DIR-tsan and BUILD_DIR-fuzz). Any finding fails the script. See docs/security.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "$1" && pwd)"; shift
stages=("${@:-asan tsan valgrind fuzz}")
stages=(${stages[*]})
jobs="$(nproc 2>/dev/null || echo 2)"
fuzz_seconds="${FUZZ_SECONDS:-60}"
supp="$here/tools/sanitizers"
# Debug (-O0) compiles far faster than -O2 and these builds only check. The bindings' cargo/go/gfortran
# executables would load an instrumented library without its runtime, so they stay out.
common=(-DCMAKE_BUILD_TYPE=Debug -DCHAINERSER_BUILD_BINDINGS=OFF -DCHAINERSER_BUILD_FORTRAN=OFF -DCHAINERSER_BUILD_BENCH=OFF)

declare -A took
stage_start() { echo; echo "=== hardening: $1 ==="; t0=$SECONDS; }
stage_end() { took[$1]=$((SECONDS - t0)); echo "=== hardening: $1 passed in ${took[$1]} s ==="; }

run_asan() {
    stage_start asan
    cmake -S "$here" -B "$build-asan" "${common[@]}" -DCHAINERSER_SANITIZE=address,undefined >/dev/null
    cmake --build "$build-asan" -j "$jobs"
    # LargeFiles moves 4 GiB arrays, which under ASan takes minutes and twice the memory; the
    # normal build runs it.
    # The install_* tests link uninstrumented programs against the instrumented library (ASan
    # must be the first library loaded), so they are left to the normal build.
    # No leak suppressions here: memory libhdf5 allocates for us (variable-length strings, say)
    # is ours to free, and a blanket libhdf5 suppression once hid exactly such a leak.
    (cd "$build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j "$jobs" -E '^(install_.*|LargeFiles\..*)$')
    stage_end asan
}

run_tsan() {
    stage_start tsan
    cmake -S "$here" -B "$build-tsan" "${common[@]}" -DCHAINERSER_SANITIZE=thread \
        -DCHAINERSER_BUILD_EXAMPLES=OFF -DCHAINERSER_BUILD_TOOLS=OFF >/dev/null
    cmake --build "$build-tsan" -j "$jobs" --target api_tests
    local filter='*Concurren*:*Thread*'
    local listed
    listed="$("$build-tsan/tests/api_tests" --gtest_list_tests --gtest_filter="$filter")"
    grep -q '^  ' <<<"$listed" || { echo "hardening: no test matches $filter" >&2; exit 1; }
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$supp/tsan.supp" \
        "$build-tsan/tests/api_tests" --gtest_filter="$filter"
    stage_end tsan
}

run_valgrind() {
    stage_start valgrind
    # The C API tests of the normal build that exercise the library's own code paths: NPZ and
    # HDF5 reading and writing, errors, limits, views, batches, the C++ wrapper, fuzz regressions.
    # Left out, because valgrind makes them 30-50x slower and ASan and the fuzzers cover them:
    # the random byte-flip and every-truncation sweeps, the crash tests that write hundreds of MB,
    # and the interop tests whose work is mostly NumPy/h5py (--trace-children=no: not ours).
    local filter='Npz*:CppWrapper*:BatchRead*:Hdf5Errors*:Hdf5Chainer*:Hdf5Subprocess*:FuzzRegressions*:HardeningLimits*'
    # Tests that fork a child under an RLIMIT or kill it are left to ASan too: valgrind runs in the
    # child as well, with its own file writes and exit-time reports.
    filter+=':-*Random*:*Truncat*:*Interop*:HardeningCrash*:NpzAtomicSave.FailedSave*'
    valgrind --error-exitcode=1 --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --trace-children=no --num-callers=30 --quiet --suppressions="$supp/valgrind_hdf5.supp" \
        "$build/tests/api_tests" --gtest_brief=1 --gtest_filter="$filter"
    stage_end valgrind
}

# A crash of the HDF5 target is upstream's when the first stack frame that is either libhdf5's
# or our source's is libhdf5's: libhdf5 crashed on its own while parsing, with our arguments
# valid. Prints the verdict; returns 1 for a crash in our code.
triage_hdf5() {
    local bin="$1" input="$2" trace frame
    trace="$(ASAN_OPTIONS="$asan_hdf5" LSAN_OPTIONS="suppressions=$supp/lsan_hdf5.supp" \
        timeout 120 "$bin" -timeout=10 "$input" 2>&1 || true)"
    frame="$(grep -E '^ *#[0-9]+ ' <<<"$trace" | grep -m1 -E "libhdf5|$here/(src|capi|fuzz|include)/" || true)"
    if [[ "$frame" == *libhdf5* ]]; then
        echo "  upstream (libhdf5): $(basename "$input"): $(grep -m1 -E 'ERROR|runtime error|ALARM' <<<"$trace")"
        return 0
    fi
    echo "$trace" | tail -60
    echo "  OURS: $(basename "$input") crashes in our code (or does not replay): $frame" >&2
    return 1
}

run_fuzz() {
    stage_start fuzz
    CC=clang-14 CXX=clang++-14 cmake -S "$here" -B "$build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCHAINERSER_SANITIZE=address,undefined -DCHAINERSER_BUILD_FUZZERS=ON -DBUILD_SHARED_LIBS=OFF \
        -DCHAINERSER_BUILD_TESTS=OFF -DCHAINERSER_BUILD_EXAMPLES=OFF -DCHAINERSER_BUILD_TOOLS=OFF \
        -DCHAINERSER_BUILD_BINDINGS=OFF -DCHAINERSER_BUILD_FORTRAN=OFF -DCHAINERSER_BUILD_BENCH=OFF >/dev/null
    cmake --build "$build-fuzz" -j "$jobs"
    local work="$build-fuzz/run" seeds="$build-fuzz/run/seeds"
    rm -rf "$seeds" "$work"/artifacts-* && mkdir -p "$work"
    /usr/bin/python3 "$here/fuzz/make_seeds.py" "$seeds" "$here/tests/data" "$here/tests/data/regressions"
    # A malloc over 1 GiB fails as it would on a real machine, and libhdf5 must cope with NULL.
    asan_hdf5="allocator_may_return_null=1:max_allocation_size_mb=1024"
    local pids=() target
    fuzz_failed=0
    for target in fuzz_npy_header fuzz_none_pickle fuzz_deflate_encoders fuzz_inflate_split fuzz_npz_read fuzz_h5_read; do
        local opts=(-max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                    -artifact_prefix="$work/artifacts-$target/")
        local env=()
        mkdir -p "$work/corpus-$target" "$work/artifacts-$target"
        if [ "$target" = fuzz_h5_read ]; then
            # libhdf5 has its own parser bugs; keep fuzzing past them and triage each afterwards.
            opts+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
            env=(ASAN_OPTIONS="$asan_hdf5" LSAN_OPTIONS="suppressions=$supp/lsan_hdf5.supp")
        fi
        env "${env[@]}" "$build-fuzz/fuzz/$target" "${opts[@]}" "$work/corpus-$target" "$seeds/$target" \
            >"$work/$target.log" 2>&1 &
        pids+=($!)
        # fuzz_h5_read's own exit status reflects libhdf5's crashes too; its inputs are triaged below.
        [ "$target" = fuzz_h5_read ] && h5_pid=$!
        # Two targets at a time on two cores.
        if [ ${#pids[@]} -ge "$jobs" ]; then wait_fuzzers "${pids[@]}"; pids=(); fi
    done
    wait_fuzzers "${pids[@]}"
    report_fuzzers
    local input ours=0
    for input in "$work"/artifacts-fuzz_h5_read/*; do
        [ -e "$input" ] || continue
        triage_hdf5 "$build-fuzz/fuzz/fuzz_h5_read" "$input" || ours=1
    done
    [ "$ours" -eq 0 ] || { echo "hardening: fuzz_h5_read found crashes in our code" >&2; exit 1; }
    stage_end fuzz
}

# Waits for the given fuzzer processes; remembers in fuzz_failed whether any stopped on a finding.
wait_fuzzers() {
    local pid
    for pid in "$@"; do wait "$pid" || [ "$pid" = "${h5_pid:-}" ] || fuzz_failed=1; done
}

report_fuzzers() {
    local log
    for log in "$build-fuzz/run"/*.log; do
        echo "--- $(basename "$log" .log): $(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1)"
    done
    [ "$fuzz_failed" -eq 0 ] && return 0
    grep -l -E 'ERROR|runtime error|invariant broken' "$build-fuzz/run"/*.log | while read -r log; do
        echo "--- $log"; grep -A40 -E 'ERROR|runtime error|invariant broken' "$log" | head -60
    done
    echo "hardening: a fuzz target crashed; its input is under $build-fuzz/run/artifacts-*" >&2
    exit 1
}

for stage in "${stages[@]}"; do "run_$stage"; done
summary=""
for stage in "${stages[@]}"; do summary+=" $stage ${took[$stage]}s"; done
echo "hardening: all stages passed:$summary"
