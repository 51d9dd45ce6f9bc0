"""NumPy's and h5py's side of the benchmark: the same operations as chainerser_bench, the way
Chainer itself performs them (savez_compressed / savez, numpy.load, h5py in Chainer's layout).

usage: numpy_bench.py OP FORMAT SRC.npz WORKDIR [--runs N]; prints one JSON line."""
import json
import os
import statistics
import sys
import time

import numpy as np

op, fmt, src, workdir = sys.argv[1:5]
runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
with np.load(src) as z:
    data = {k: z[k] for k in z.files}
path = os.path.join(workdir, "bench_numpy." + ("h5" if fmt == "h5" else "npz"))
keys = sorted(data)
one = keys[len(keys) // 2]


def save_npz(compressed):
    with open(path, "wb") as f:  # Chainer opens the file itself (a str name is used exactly)
        (np.savez_compressed if compressed else np.savez)(f, **data)


def save_h5(compressed):
    import h5py
    with h5py.File(path, "w") as f:
        for k, v in data.items():
            group, _, name = k.rpartition("/")
            g = f.require_group(group) if group else f
            g.create_dataset(name, data=v, compression=4 if compressed and v.size > 1 else None)


def load_all():
    if fmt == "h5":
        import h5py
        bufs = {k: np.empty_like(v) for k, v in data.items()}
        with h5py.File(path, "r") as f:
            for k, b in bufs.items():
                f[k].read_direct(b)
        return
    with np.load(path) as z:
        _ = {k: z[k] for k in z.files}


def load_one():
    if fmt == "h5":
        import h5py
        with h5py.File(path, "r") as f:
            _ = f[one][()]
        return
    with np.load(path) as z:
        _ = z[one]


def open_list():
    if fmt == "h5":
        import h5py
        names = []
        with h5py.File(path, "r") as f:
            f.visit(names.append)
        return
    with np.load(path) as z:
        _ = list(z.files)


save = save_h5 if fmt == "h5" else save_npz
nbytes = sum(v.nbytes for v in data.values())
if op in ("save_c", "save_s"):
    job = lambda: save(op == "save_c")
else:
    save(op not in ("load_s", "view"))
    # numpy.load ignores mmap_mode for .npz, so its nearest to a view is reading the one array.
    job = {"load_c": load_all, "load_s": load_all, "load_one": load_one, "open_list": open_list,
           "view": load_one}[op]
    nbytes = data[one].nbytes if op in ("load_one", "view") else 0 if op == "open_list" else nbytes
job()  # warm-up
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    job()
    times.append(time.perf_counter() - t0)
print(json.dumps({"op": op, "format": fmt, "bytes": nbytes, "median": statistics.median(times), "runs": times}))
