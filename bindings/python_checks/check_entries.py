"""Checks entries a binding test wrote, as NumPy (NPZ) or h5py (HDF5) reads them.

Usage: check_entries.py npz|h5 FILE SPEC

SPEC is JSON: {"key": {"descr": "|b1", "shape": [2, 3], "values": [flat values in C order]}, ...}.
Only the listed keys are checked; descr is compared exactly (h5py's bool is numpy's |b1).
How "values" holds an element depends on the dtype's kind:
  numbers, bools     a JSON number or bool
  complex (c)        [real, imag]
  str (U)            a JSON string
  bytes (S)          the bytes as a hex string ("61620063" is b"ab\\x00c")
"bits" may stand instead of "values": the elements' bit patterns as unsigned integers of the
itemsize (for float16, and for NaN and -0 anywhere); the bytes are then compared exactly.
h5py reads a variable-length UTF-8 dataset (what `<U n` becomes in HDF5) as bytes objects: they
are decoded and compared as the numpy str array NumPy would make of them (`<U` of the longest).
So are fixed-length UTF-8 datasets with the attribute chainerser_numpy_dtype (a `<U n` with an
embedded NUL), which h5py reads as `|S m` bytes.
"""
import json
import sys

import numpy as np

from check_model import compare_array, finish


def read(fmt, path, key):
    if fmt == "npz":
        with np.load(path) as z:
            return z[key]
    import h5py

    with h5py.File(path, "r") as f:
        d = f[key]
        info = h5py.check_string_dtype(d.dtype)
        fixed_str = info is not None and info.length is not None and "chainerser_numpy_dtype" in d.attrs
        if info is not None and (info.length is None or fixed_str):
            if info.encoding != "utf-8":
                raise SystemExit("FAIL %s: a %s string, not utf-8" % (key, info.encoding))
            strs = d.asstr()[()]
            return np.array(strs if d.shape == () else strs.tolist(), dtype=str).reshape(d.shape)
        return np.asarray(d[()])


def expected_array(want):
    dtype = np.dtype(want["descr"])
    if "bits" in want:
        bits = np.array(want["bits"], dtype="=u%d" % dtype.itemsize)
        return bits.view(dtype.newbyteorder("=")).astype(dtype).reshape(want["shape"])
    values = want["values"]
    if dtype.kind == "c":
        values = [complex(re, im) for re, im in values]
    elif dtype.kind == "S":
        values = [bytes.fromhex(v) for v in values]
    return np.array(values, dtype=dtype).reshape(want["shape"])


def compare_bits(key, g, w, problems):
    """compare_array for "bits": NaN equals itself and -0 differs from 0."""
    if not isinstance(g, np.ndarray) or g.dtype != w.dtype or g.shape != w.shape:
        problems.append("%s: %r, expected %s %s" % (key, g, w.dtype.str, w.shape))
    elif g.tobytes() != w.tobytes():
        problems.append("%s: bytes %s, expected %s" % (key, g.tobytes().hex(), w.tobytes().hex()))
    else:
        print("ok %-28s %s %s (bits)" % (key, g.dtype.str, g.shape))


def main():
    fmt, path, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    problems = []
    for key, want in sorted(spec.items()):
        got, expected = read(fmt, path, key), expected_array(want)
        if "bits" in want:
            compare_bits(key, got, expected, problems)
        else:
            compare_array(key, got, expected, problems, exact_byteorder=True)
    finish(problems)


if __name__ == "__main__":
    main()
