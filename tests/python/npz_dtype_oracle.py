"""numpy.can_cast for every pair of the given dtype names under 'safe' and 'same_kind'.

Usage: npz_dtype_oracle.py NAME... ; prints 'from to safe same_kind' lines (0/1).
"""
import sys

import numpy as np

names = sys.argv[1:]
for f in names:
    for t in names:
        safe = np.can_cast(np.dtype(f), np.dtype(t), "safe")
        same = np.can_cast(np.dtype(f), np.dtype(t), "same_kind")
        print(f, t, int(safe), int(same))
