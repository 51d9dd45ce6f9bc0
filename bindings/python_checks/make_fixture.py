"""Writes, with NumPy, an NPZ whose entries exercise what Chainer's own files rarely hold.

Usage: make_fixture.py FILE

Stored without compression (numpy.savez), so every member can be viewed:
  be    >f4 (2, 3)          C order, big-endian        values 0 .. 5
  fo    <f8 (2, 3)          Fortran order              a[i, j] = 3 i + j (memory 0 3 1 4 2 5)
  mask  |b1 (2, 3)          [[T F T] [F F T]]
  i32   <i4 (3, 4)          0 .. 11
"""
import sys

import numpy as np


def main():
    np.savez(
        sys.argv[1],
        be=np.arange(6, dtype=">f4").reshape(2, 3),
        fo=np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
        mask=np.array([[True, False, True], [False, False, True]]),
        i32=np.arange(12, dtype="<i4").reshape(3, 4),
    )


if __name__ == "__main__":
    main()
