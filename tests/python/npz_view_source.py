"""Writes an uncompressed .npz (numpy.savez) for the view tests: a = arange(1000) * 0.5 (<f8),
f = (arange(6).reshape(2, 3) * 10) as Fortran-ordered int32, b = array([0x1234], '>i2')."""
import sys

import numpy as np

a = np.arange(1000) * 0.5
f = np.asfortranarray((np.arange(6).reshape(2, 3) * 10).astype(np.int32))
b = np.array([0x1234], dtype=">i2")
with open(sys.argv[1], "wb") as fh:
    np.savez(fh, a=a, f=f, b=b)
