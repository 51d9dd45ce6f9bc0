"""Arrays in either memory order, as NumPy (NPZ) or h5py (HDF5) holds them: the oracle of the
bindings' column-major reads.

Usage: order_bytes.py make FILE             NumPy (FILE.npz, uncompressed) or h5py (FILE.h5) writes
                                            the arrays below
       order_bytes.py dump FILE C|F KEY...  one line per key: the hex of the array's elements in
                                            that memory order, np.asfortranarray(a).ravel(order='K')
                                            for F, little-endian, one byte per bool; KEY may
                                            end in a block, as in f32[0:2,1:3,1:4]

NPZ stores the arrays marked F with fortran_order True (HDF5 has C order only):
  f32    <f4  (2, 3, 4)     100 i + 10 j + k + 0.5       F
  f32c   <f4  (2, 3, 4)     the same                     C
  f64be  >f8  (3, 2)        10 i - j + 0.25              F
  i16    <i2  (2, 2, 2, 2)  1000 i + 100 j + 10 k + l    C
  u8     |u1  (5,)          3 i                          C
  mask   |b1  (3, 4)        (i + 2 j) % 3 == 0           F
  f16    <f2  (2, 3)        i - j / 4                    F
  c64    <c8  (3, 2)        (10 i + j) + (i - j) 1j      F
  scalar <i4  ()            7
  empty  <f4  (0, 3)
"""
import sys

import numpy as np


def arrays():
    i = np.indices
    a3, a2, a4, m, h, c = i((2, 3, 4)), i((3, 2)), i((2, 2, 2, 2)), i((3, 4)), i((2, 3)), i((3, 2))
    f32 = (100 * a3[0] + 10 * a3[1] + a3[2] + 0.5).astype("<f4")
    return {
        "f32": np.asfortranarray(f32),
        "f32c": f32,
        "f64be": np.asfortranarray((10 * a2[0] - a2[1] + 0.25).astype(">f8")),
        "i16": (1000 * a4[0] + 100 * a4[1] + 10 * a4[2] + a4[3]).astype("<i2"),
        "u8": (3 * np.arange(5)).astype("|u1"),
        "mask": np.asfortranarray((m[0] + 2 * m[1]) % 3 == 0),
        "f16": np.asfortranarray((h[0] - h[1] / 4).astype("<f2")),
        "c64": np.asfortranarray(((10 * c[0] + c[1]) + 1j * (c[0] - c[1])).astype("<c8")),
        "scalar": np.array(7, dtype="<i4"),
        "empty": np.zeros((0, 3), dtype="<f4"),
    }


def make(path, entries=None):
    """Writes entries (default: arrays()) with h5py (path ends in .h5) or numpy.savez."""
    entries = arrays() if entries is None else entries
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "w") as f:
            for k, a in entries.items():
                f[k] = a
    else:
        np.savez(path, **entries)


def load(path, key):
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "r") as f:
            return f[key][()]
    with np.load(path) as z:
        return z[key]


def main():
    command, path, *rest = sys.argv[1:]
    if command == "make":
        make(path)
        return
    order, keys = rest[0], rest[1:]
    for key in keys:
        name, _, block = key.partition("[")
        a = load(path, name)
        if block:
            a = a[tuple(slice(*map(int, s.split(":"))) for s in block.rstrip("]").split(","))]
        a = a.astype(a.dtype.newbyteorder("<"))
        a = np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)
        print(a.ravel(order="K").tobytes().hex())


if __name__ == "__main__":
    main()
