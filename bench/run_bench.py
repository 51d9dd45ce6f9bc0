#!/usr/bin/python3
"""Runs libchainerser and NumPy/h5py side by side on the issue-6 workloads and prints a table of
medians, MB/s, ratios, peak RSS and whether each target is met.

usage: bench/run_bench.py [--quick] [--build DIR] [--runs N] [--workloads W1,W1t,W2,W3] [--out FILE]
  --quick   small sizes (CI runs this so the benchmark cannot rot); targets are not judged
"""
import argparse
import json
import os
import platform
import subprocess
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"

# (workload, op, format, target ratio vs numpy/h5py or None)
PLAN = [
    ("W1", "save_c", "npz", 4.0), ("W1", "load_c", "npz", 3.0),
    ("W1", "save_s", "npz", 1.3), ("W1", "load_s", "npz", 1.3), ("W1", "load_one", "npz", None),
    ("W1t", "save_c", "npz", 8.0), ("W1t", "load_c", "npz", 3.0),
    ("W1t", "save_c", "h5", 3.0), ("W1t", "load_c", "h5", 3.0),
    ("W2", "save_c", "npz", 4.0), ("W2", "load_c", "npz", 50.0), ("W2", "open_list", "npz", None),
    ("W3", "save_s", "npz", 1.3), ("W3", "load_s", "npz", 1.3), ("W3", "view", "npz", None),
]
# Files written by NumPy (savez_compressed / savez) or h5py in Chainer's layout, read by both sides:
# (workload, their op, format, target vs NumPy/h5py through the C API, target through `chainerser
# verify`). Ours opens, describes every key and reads everything (ser_get_arrays); `verify` is
# the whole process, against NumPy's or h5py's load inside an already running Python.
THEIR_FILES = [
    ("W1", "load_c", "npz", 6.0, 5.0), ("W1t", "load_c", "npz", 6.0, 5.0), ("W1t", "load_c", "h5", 6.0, 5.0),
    ("W2", "load_c", "npz", 100.0, None), ("W2", "load_s", "npz", 100.0, None), ("W3", "load_c", "npz", None, None),
]
THREAD_SCALING = [("W1t", "save_c", "npz"), ("W1t", "load_c", "npz")]


def run(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit("benchmark step failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), err.decode()))
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024.0


def time_process(cmd, runs):
    """Median wall time and peak RSS (MiB) of running cmd as a whole process, after a warm-up."""
    times, rss = [], 0.0
    for i in range(runs + 1):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("benchmark step failed: %s\n%s" % (" ".join(cmd), err.decode()))
        if i:
            times.append(elapsed)
        rss = max(rss, usage.ru_maxrss / 1024.0)
    return statistics.median(times), rss


def mbps(result):
    return result["bytes"] / result["median"] / 1e6 if result["bytes"] else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--workloads", default="W1,W1t,W2,W3")
    ap.add_argument("--w3-bytes", type=int, default=1 << 30)
    ap.add_argument("--out")
    args = ap.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    scale = 0.02 if args.quick else 1.0
    w3_bytes = (8 << 20) if args.quick else args.w3_bytes
    ours = os.path.join(args.build, "bench", "chainerser_bench")
    theirs = [PYTHON, os.path.join(HERE, "numpy_bench.py")]
    wanted = args.workloads.split(",")
    chainerser = os.path.join(args.build, "tools", "chainerser")
    rows, failures, their_rows, described, ceilings = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="chainerser-bench-") as tmp:
        sources = {}
        for w in wanted:
            sources[w] = os.path.join(tmp, w + ".src.npz")
            subprocess.run([ours, "gen", w, sources[w], "--scale", str(scale), "--w3-bytes", str(w3_bytes)], check=True)
        for w, op, fmt, target in PLAN:
            if w not in wanted:
                continue
            if not op.startswith("save"):
                subprocess.run([ours, "prepare", op, fmt, sources[w], tmp], check=True)
            a, a_rss = run([ours, "run", op, fmt, sources[w], tmp, "--runs", str(runs)])
            b, b_rss = run(theirs + [op, fmt, sources[w], tmp, "--runs", str(runs)])
            ratio = b["median"] / a["median"]
            data_mib = os.path.getsize(sources[w]) / 2**20
            note = ""
            if op == "save_c":
                ours_size = os.path.getsize(os.path.join(tmp, "bench." + ("h5" if fmt == "h5" else "npz")))
                their_size = os.path.getsize(os.path.join(tmp, "bench_numpy." + ("h5" if fmt == "h5" else "npz")))
                note = "file %.1f vs %.1f MiB" % (ours_size / 2**20, their_size / 2**20)
                if fmt == "npz" and w == "W1t" and ours_size > their_size:
                    failures.append("%s %s %s: file larger than NumPy's" % (w, op, fmt))
            met = "" if target is None or args.quick else ("yes" if ratio >= target else "NO")
            if met == "NO":
                failures.append("%s %s %s: %.2fx < %.1fx" % (w, op, fmt, ratio, target))
            if op == "open_list" and not args.quick and a["median"] > 0.05:
                failures.append("W2 open+list %.1f ms > 50 ms" % (a["median"] * 1e3))
            if op == "view" and not args.quick and a["median"] > 0.005:
                failures.append("W3 open+view %.2f ms > 5 ms" % (a["median"] * 1e3))
            # Memory target: the data itself + 64 MiB, plus what the process needs before any data
            # (code, libraries, allocator: measured by open_list on an empty workload, ~16 MiB).
            if op in ("save_c", "save_s", "load_c", "load_s") and not args.quick and a_rss > data_mib + 64 + 16:
                failures.append("%s %s %s: peak RSS %.0f MiB > data %.0f MiB + 64 MiB" % (w, op, fmt, a_rss, data_mib))
            rows.append((w, op, fmt, a["median"], mbps(a), b["median"], mbps(b), ratio, target, met, a_rss, b_rss,
                         data_mib, note))
        for w, their_op, fmt, target, verify_target in THEIR_FILES:
            if w not in wanted:
                continue
            b, b_rss = run(theirs + [their_op, fmt, sources[w], tmp, "--runs", str(runs)])  # writes their file
            their_file = os.path.join(tmp, "bench_numpy." + ("h5" if fmt == "h5" else "npz"))
            data_mib = os.path.getsize(sources[w]) / 2**20
            writer = {"npz": "numpy.savez_compressed" if their_op == "load_c" else "numpy.savez", "h5": "h5py"}[fmt]
            a, a_rss = run([ours, "run", "load_theirs", fmt, sources[w], tmp, "--runs", str(runs)])
            v_median, v_rss = time_process([chainerser, "verify", their_file], runs)
            if fmt == "npz" and their_op == "load_c":
                c, _ = run([os.path.join(args.build, "bench", "inflate_ceiling"), their_file, "--runs", str(runs)])
                bound = b["median"] / (c["cpu_seconds"] / os.cpu_count())
                ceilings.append((w, writer, c["cpu_seconds"], bound, b["median"] / a["median"]))
            if w == "W2":
                d, _ = run([ours, "run", "describe_theirs", fmt, sources[w], tmp, "--runs", str(runs)])
                described.append((w, writer, d["median"]))
                if not args.quick and d["median"] > 0.025:
                    failures.append("%s written by %s: open + describe %.1f ms > 25 ms" % (w, writer, d["median"] * 1e3))
            for how, median, rss, goal in (("C API: open, describe, ser_get_arrays", a["median"], a_rss, target),
                                           ("chainerser verify (whole process)", v_median, v_rss, verify_target)):
                ratio = b["median"] / median
                met = "" if goal is None or args.quick else ("yes" if ratio >= goal else "NO")
                if met == "NO":
                    failures.append("%s %s written by %s, %s: %.2fx < %.1fx" % (w, fmt, writer, how, ratio, goal))
                if not args.quick and rss > data_mib + 64 + 16 and how.startswith("C API"):
                    failures.append("%s %s written by %s: peak RSS %.0f MiB > data %.0f MiB + 64 MiB" %
                                    (w, fmt, writer, rss, data_mib))
                their_rows.append((w, writer, fmt, how, median, b["bytes"] / median / 1e6, b["median"], mbps(b), ratio,
                                   goal, met, rss, b_rss, data_mib))
        scaling = []
        for w, op, fmt in THREAD_SCALING:
            if w not in wanted:
                continue
            if not op.startswith("save"):
                subprocess.run([ours, "prepare", op, fmt, sources[w], tmp], check=True)
            one, _ = run([ours, "run", op, fmt, sources[w], tmp, "--runs", str(runs), "--threads", "1"])
            two, _ = run([ours, "run", op, fmt, sources[w], tmp, "--runs", str(runs), "--threads", "2"])
            s = one["median"] / two["median"]
            scaling.append((w, op, fmt, one["median"], two["median"], s))
            if not args.quick and s < 1.7:
                failures.append("%s %s %s: 2 threads give %.2fx of 1" % (w, op, fmt, s))
    lines = ["Machine: %s, %d cores, Python %s; %s" % (platform.platform(), os.cpu_count(), platform.python_version(),
                                                       "quick sizes" if args.quick else "full sizes"),
             "",
             "| workload | op | format | ours median s | ours MB/s | numpy/h5py median s | their MB/s | ratio | target | met | ours peak RSS MiB | their peak RSS MiB | data MiB | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| %s | %s | %s | %.4f | %.0f | %.4f | %.0f | %.2fx | %s | %s | %.0f | %.0f | %.0f | %s |" % (
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], "-" if r[8] is None else "%.1fx" % r[8], r[9], r[10],
            r[11], r[12], r[13]))
    if their_rows:
        lines += ["", "Files written by NumPy and h5py (what Chainer users have), read by both sides:", "",
                  "| workload | written by | format | ours: how | ours median s | ours MB/s | numpy/h5py median s | their MB/s | ratio | target | met | ours peak RSS MiB | their peak RSS MiB | data MiB |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in their_rows:
            lines.append("| %s | %s | %s | %s | %.4f | %.0f | %.4f | %.0f | %.2fx | %s | %s | %.0f | %.0f | %.0f |" % (
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], "-" if r[9] is None else "%.1fx" % r[9], r[10],
                r[11], r[12], r[13]))
        for w, writer, median in described:
            lines.append("")
            lines.append("%s written by %s: open + describe every key %.1f ms (target 25 ms)" % (w, writer, median * 1e3))
    for w, writer, cpu, bound, reached in ceilings:
        lines.append("")
        lines.append("%s written by %s: libdeflate alone needs %.3f s of one core to inflate every member, so on %d "
                     "cores no reader that inflates each member as one stream can load it faster than %.2fx NumPy "
                     "(ours: %.2fx through the C API)" % (w, writer, cpu, os.cpu_count(), bound, reached))
    if scaling:
        lines += ["", "| workload | op | format | 1 thread s | 2 threads s | speed-up |", "|---|---|---|---|---|---|"]
        for s in scaling:
            lines.append("| %s | %s | %s | %.4f | %.4f | %.2fx |" % s)
    lines += ["", "targets missed: " + ("; ".join(failures) if failures else "none")]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 1 if failures and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
