"""Writes, with NumPy (FILE.npz) or h5py (FILE.h5), entries that Chainer's own files rarely hold.

Usage: make_fixture.py FILE      (an HDF5 file if FILE ends in .h5, else an NPZ)

NPZ, stored without compression (numpy.savez), so every member can be viewed:
  be    >f4 (2, 3)          C order, big-endian        values 0 .. 5
  fo    <f8 (2, 3)          Fortran order              a[i, j] = 3 i + j (memory 0 3 1 4 2 5)
  mask  |b1 (2, 3)          [[T F T] [F F T]]
  i32   <i4 (3, 4)          0 .. 11
  ube   >U2 (2,)            ['hé', 'x']                big-endian UCS-4
NPZ and HDF5:
  f16   <f2 (2, 4)          [0, -0, 1/3, 65504, 2**-24, inf, -inf, nan]
                            bits 0000 8000 3555 7bff 0001 7c00 fc00 7e00
  f16be >f2 (3,)            [1.5, -2, 2**-14]          bits 3e00 c000 0400
  c8    <c8 (3,)            [1+2j, -0.5+0.25j, 3-4j]
  c16   >c16 (2, 2)         [[1+1j, 2-2j], [0.1, -1e300+1e-300j]]
  u     <U3 (2, 2)          [['a', 'bc'], ['日本語', '😀']]   (HDF5: variable-length UTF-8)
  s     |S4 (3,)            [b'ab', b'\\x00\\x01', b'abcd']
  bytes |S4 ()              b'ab\\x00c'                 (Python bytes, a 0-d array)
"""
import sys

import numpy as np

STRINGS = [["a", "bc"], ["日本語", "😀"]]


def common():
    return {
        "f16": np.array([0.0, -0.0, 1 / 3, 65504, 2**-24, np.inf, -np.inf, np.nan], dtype="<f2").reshape(2, 4),
        "f16be": np.array([1.5, -2, 2**-14], dtype=">f2"),
        "c8": np.array([1 + 2j, -0.5 + 0.25j, 3 - 4j], dtype="<c8"),
        "c16": np.array([[1 + 1j, 2 - 2j], [0.1, -1e300 + 1e-300j]], dtype=">c16"),
        "s": np.array([b"ab", b"\x00\x01", b"abcd"], dtype="|S4"),
        "bytes": np.array(b"ab\x00c"),
    }


def write_npz(path):
    np.savez(
        path,
        be=np.arange(6, dtype=">f4").reshape(2, 3),
        fo=np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
        mask=np.array([[True, False, True], [False, False, True]]),
        i32=np.arange(12, dtype="<i4").reshape(3, 4),
        ube=np.array(["hé", "x"], dtype=">U2"),
        u=np.array(STRINGS, dtype="<U3"),
        **common(),
    )


def write_h5(path):
    import h5py

    with h5py.File(path, "w") as f:
        for key, value in common().items():
            f[key] = value
        f.create_dataset("u", data=np.array(STRINGS, dtype=object), dtype=h5py.string_dtype())


def main():
    path = sys.argv[1]
    write_h5(path) if path.endswith(".h5") else write_npz(path)


if __name__ == "__main__":
    main()
