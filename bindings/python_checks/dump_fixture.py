"""Prints what NumPy (.npz) or h5py (.h5) reads from a checkpoint, for the binding tests to compare.

Usage: dump_fixture.py FILE

One line per non-empty numeric entry, sorted by key:
  "key" descr ndim d1 .. dn sum first mid last
sum is the float64 sum of all elements; first, mid and last are the elements at flat indices
0, n // 2 and n - 1 in C order (row-major, the last index fastest). Keys are double-quoted so that
Fortran list-directed input reads them whole.
"""
import sys

import numpy as np


def entries(path):
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=True) as z:
            for key in z.files:
                yield key, z[key]
    else:
        import h5py

        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, obj: found.append((name, obj[()])) if isinstance(obj, h5py.Dataset)
                         and obj.shape is not None else None)
        yield from found


def main():
    for key, a in sorted(entries(sys.argv[1]), key=lambda e: e[0]):
        a = np.asarray(a)
        if a.dtype.kind not in "biuf" or a.size == 0:
            continue
        flat = np.ascontiguousarray(a).reshape(-1).astype(np.float64)
        fields = ['"%s"' % key, a.dtype.str, str(a.ndim)] + [str(d) for d in a.shape]
        fields += [repr(float(x)) for x in (flat.sum(), flat[0], flat[flat.size // 2], flat[-1])]
        print(" ".join(fields))


if __name__ == "__main__":
    main()
