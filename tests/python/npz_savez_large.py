"""Writes OUT with numpy.savez: a (100 int64) and w (9 MiB of float32 from arange), keys in sorted
order, so that a stored copy made by the library can be compared with it byte for byte."""
import sys

import numpy as np

with open(sys.argv[1], "wb") as fh:
    np.savez(fh, a=np.arange(100, dtype=np.int64), w=(np.arange(9 << 18, dtype=np.float32) * 0.5 - 7))
