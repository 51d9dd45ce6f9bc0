"""Every numeric dtype of the C API, written by NumPy/h5py or checked as NumPy/h5py read it.

Usage: all_dtypes.py make FILE     NumPy (FILE.npz, numpy.savez) or h5py (FILE.h5) writes the arrays
       all_dtypes.py check FILE    FILE (a binding wrote it) holds exactly these arrays: the same
                                   dtype (descr, byte order included), shape and bytes

One (2, 3) array per dtype, key "dt/<name>", its six values in C order (flat index 0 .. 5):
  bool                  [T, F, F, T, F, F]                 (i % 3 == 0)
  int8 int16 int32 int64        [min, -1, 0, 1, 100, max]
  uint8 uint16 uint32 uint64    [0, 1, 100, 2**(bits-1), max - 1, max]
  float16 float32 float64       [-0.0, -1.5, 0.25, 1024, 65504, 2**-24]
  complex64 complex128          real: the floats above; imag [0.5, -0.5, 1.5, -1.5, 2.5, -2.5]
All little-endian ('|' for one byte), as h5py reads them. Every value is exact in each dtype, so
bytes are compared: -0.0 differs from 0.0.
"""
import sys

import numpy as np

import order_bytes
from check_entries import compare_bits
from check_model import finish

FLOATS = [-0.0, -1.5, 0.25, 1024.0, 65504.0, 2.0**-24]
IMAG = [0.5, -0.5, 1.5, -1.5, 2.5, -2.5]


def arrays():
    out = {"bool": np.array([i % 3 == 0 for i in range(6)], dtype="|b1")}
    for bits in (8, 16, 32, 64):
        info = np.iinfo("i%d" % (bits // 8))
        out["int%d" % bits] = np.array([info.min, -1, 0, 1, 100, info.max], dtype=info.dtype)
    for bits in (8, 16, 32, 64):
        top = 2**bits - 1
        out["uint%d" % bits] = np.array([0, 1, 100, 2 ** (bits - 1), top - 1, top], dtype="u%d" % (bits // 8))
    for name, code in (("float16", "f2"), ("float32", "f4"), ("float64", "f8")):
        out[name] = np.array(FLOATS, dtype=code)
    for name, code in (("complex64", "c8"), ("complex128", "c16")):
        out[name] = np.array([complex(r, i) for r, i in zip(FLOATS, IMAG)], dtype=code)
    return {"dt/" + k: a.astype(a.dtype.newbyteorder("<")).reshape(2, 3) for k, a in out.items()}


def check(path):
    problems = []
    for key, want in arrays().items():
        try:
            got = np.asarray(order_bytes.load(path, key))
        except KeyError:
            problems.append("%s: not in %s" % (key, path))
            continue
        compare_bits(key, got, want, problems)
    finish(problems)


def main():
    command, path = sys.argv[1:]
    order_bytes.make(path, arrays()) if command == "make" else check(path)


if __name__ == "__main__":
    main()
