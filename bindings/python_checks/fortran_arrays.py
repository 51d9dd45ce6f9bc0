"""The Fortran binding's arrays of every element type, as NumPy and h5py see them.

Usage: fortran_arrays.py check npz|h5 FILE   every entry equals its formula; in an NPZ each
                                             array of rank >= 2 is stored with fortran_order True
                                             (the Fortran memory as it is, no transposition)
       fortran_arrays.py write FILE [stored] NumPy writes each array twice, c/NAME C-ordered and
                                             f/NAME Fortran-ordered, for the binding to read
                                             (compressed; with `stored`, by np.savez: viewable)

The formulas use NumPy's 0-based indices; the Fortran test computes the same with A(i+1, j+1, ...).

  r32   float32   (2, 3, 4)     100 i + 10 j + k + 0.5
  c64   complex64 (3, 2)        (10 i + j) + (i - j) 1j
  i8    int8      (4, 3)        10 i - j
  i16   int16     (2, 2, 2, 2)  1000 i + 100 j + 10 k + l
  b     bool      (3, 4)        (i + 2 j) % 3 == 0
  l     bool      (2, 5)        (i j) % 2 == 1        (a default-kind Fortran logical)
"""
import sys
import zipfile

import numpy as np


def expected():
    i = np.indices
    r32 = i((2, 3, 4))
    c64 = i((3, 2))
    i8 = i((4, 3))
    i16 = i((2, 2, 2, 2))
    b = i((3, 4))
    lg = i((2, 5))
    return {
        "r32": (100 * r32[0] + 10 * r32[1] + r32[2] + 0.5).astype(np.float32),
        "c64": ((10 * c64[0] + c64[1]) + 1j * (c64[0] - c64[1])).astype(np.complex64),
        "i8": (10 * i8[0] - i8[1]).astype(np.int8),
        "i16": (1000 * i16[0] + 100 * i16[1] + 10 * i16[2] + i16[3]).astype(np.int16),
        "b": (b[0] + 2 * b[1]) % 3 == 0,
        "l": (lg[0] * lg[1]) % 2 == 1,
    }


def read(fmt, path):
    if fmt == "npz":
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    import h5py
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: out.__setitem__(k, v[()]) if isinstance(v, h5py.Dataset) else None)
    return out


def check(fmt, path):
    want, got = expected(), read(fmt, path)
    problems = [f"{k}: missing" for k in want if k not in got]
    for k, a in want.items():
        if k in got and (got[k].dtype != a.dtype or not np.array_equal(got[k], a)):
            problems.append(f"{k}: {got[k].dtype} {got[k].tolist()} != {a.dtype} {a.tolist()}")
    if fmt == "npz":
        with zipfile.ZipFile(path) as z:
            for k in want:
                if "'fortran_order': True" not in z.read(k + ".npy")[:128].decode("latin-1"):
                    problems.append(f"{k}: not stored Fortran-ordered")
    for p in problems:
        print("fortran_arrays:", p)
    return 1 if problems else 0


def write(path, stored=False):
    arrays = {}
    for k, a in expected().items():
        arrays["c/" + k] = a
        arrays["f/" + k] = np.asfortranarray(a)
    (np.savez if stored else np.savez_compressed)(path, **arrays)
    return 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[2], sys.argv[3]) if sys.argv[1] == "check" else write(sys.argv[2], sys.argv[3:] == ["stored"]))
