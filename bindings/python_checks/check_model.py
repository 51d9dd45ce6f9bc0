"""Checks, entry by entry, the model a binding test wrote, as NumPy (NPZ) or h5py (HDF5) reads it.

Usage: check_model.py npz|h5 FILE

Every binding writes the same Chainer-layout model. The expected values are computed here from the
formulas below, independently of the binding; a binding computes them with its own code.

  predictor/l1/W  float32 (3, 4)        W[i, j] = 0.25 * (10 i + j) - 2
  predictor/l1/b  float32 (3,)          b[i] = 0.5 i - 1
  predictor/l2/W  float32 (2, 3)        W[i, j] = 0.125 * (10 i + j)
  predictor/l2/b  float32 (2,)          b[i] = -i
  predictor/lazy/W  None                (an uninitialised Linear)
  updater/iteration int64 ()            1000
  extensions/LogReport/_log  str        '[{"main/loss": 0.25, "unit": "µs"}]'
  extra/i32       int32 (2, 3, 4)       a[i, j, k] = 100 i + 10 j + k
  extra/f64       float64 (2, 3, 2, 2)  a[i, j, k, l] = 1000 i + 100 j + 10 k + l + 0.5
  extra/f32       float32 ()            2.5
"""
import sys

import numpy as np

LOG = '[{"main/loss": 0.25, "unit": "\u00b5s"}]'


def grid(shape, weights, offset):
    """a[idx] = sum(w * i for w, i in zip(weights, idx)) + offset, in float64."""
    idx = np.indices(shape, dtype=np.float64)
    return sum(w * i for w, i in zip(weights, idx)) + offset


def expected():
    return {
        "predictor/l1/W": (0.25 * grid((3, 4), (10, 1), 0) - 2).astype("<f4"),
        "predictor/l1/b": (0.5 * np.arange(3) - 1).astype("<f4"),
        "predictor/l2/W": (0.125 * grid((2, 3), (10, 1), 0)).astype("<f4"),
        "predictor/l2/b": (-np.arange(2)).astype("<f4"),
        "predictor/lazy/W": None,
        "updater/iteration": np.array(1000, dtype="<i8"),
        "extensions/LogReport/_log": LOG,
        "extra/i32": grid((2, 3, 4), (100, 10, 1), 0).astype("<i4"),
        "extra/f64": grid((2, 3, 2, 2), (1000, 100, 10, 1), 0.5).astype("<f8"),
        "extra/f32": np.array(2.5, dtype="<f4"),
    }


def read_npz(path):
    out = {}
    with np.load(path, allow_pickle=True) as z:
        for key in z.files:
            a = z[key]
            if a.dtype == object and a.shape == () and a[()] is None:
                out[key] = None
            elif a.dtype.kind == "U" and a.shape == ():
                out[key] = str(a[()])
            else:
                out[key] = a
    return out


def read_h5(path):
    import h5py

    out = {}

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        if obj.shape is None:  # h5py.Empty: how Chainer's save_hdf5 stores None
            out[name] = None
        elif h5py.check_string_dtype(obj.dtype) is not None:
            value = obj[()]
            out[name] = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        else:
            out[name] = obj[()] if obj.shape == () else obj[...]
            out[name] = np.asarray(out[name])

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    got = read_npz(path) if fmt == "npz" else read_h5(path)
    want = expected()
    problems = []
    if sorted(got) != sorted(want):
        problems.append("keys differ: file has %s, expected %s" % (sorted(got), sorted(want)))
    for key in sorted(set(got) & set(want)):
        g, w = got[key], want[key]
        if w is None or isinstance(w, str):
            if g != w:
                problems.append("%s: %r, expected %r" % (key, g, w))
            continue
        compare_array(key, g, w, problems)
    finish(problems)


def compare_array(key, g, w, problems, exact_byteorder=False):
    """Appends to problems what differs between the array read (g) and the expected one (w)."""
    dtype = g.dtype if exact_byteorder or not isinstance(g, np.ndarray) else g.dtype.newbyteorder("<")
    if not isinstance(g, np.ndarray):
        problems.append("%s: %r is not an array" % (key, g))
    elif dtype != w.dtype or g.shape != w.shape:
        problems.append("%s: %s %s, expected %s %s" % (key, g.dtype.str, g.shape, w.dtype.str, w.shape))
    elif not np.array_equal(g, w):
        problems.append("%s: values differ:\n%s\nexpected\n%s" % (key, g, w))
    else:
        print("ok %-28s %s %s" % (key, g.dtype.str, g.shape))


def finish(problems):
    for p in problems:
        print("FAIL " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
