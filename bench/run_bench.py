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
import sys
import tempfile

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
    rows, failures = [], []
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
