"""Checks entries a binding test wrote, as NumPy (NPZ) or h5py (HDF5) reads them.

Usage: check_entries.py npz|h5 FILE SPEC

SPEC is JSON: {"key": {"descr": "|b1", "shape": [2, 3], "values": [flat values in C order]}, ...}.
Only the listed keys are checked; descr is compared exactly (h5py's bool is numpy's |b1).
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
        return np.asarray(f[key][()])


def main():
    fmt, path, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    problems = []
    for key, want in sorted(spec.items()):
        expected = np.array(want["values"], dtype=want["descr"]).reshape(want["shape"])
        compare_array(key, read(fmt, path, key), expected, problems, exact_byteorder=True)
    finish(problems)


if __name__ == "__main__":
    main()
