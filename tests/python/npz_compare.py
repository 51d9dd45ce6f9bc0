"""Usage: npz_compare.py ORIGINAL COPY. Exit 0 iff NumPy reads both entry-for-entry equal:
the same keys, dtype.str, shape, memory order and values (None stays None)."""
import sys

import numpy as np

failures = []
with np.load(sys.argv[1], allow_pickle=True) as a, np.load(sys.argv[2], allow_pickle=True) as b:
    if sorted(a.files) != sorted(b.files):
        failures.append(f"keys differ: {sorted(a.files)} vs {sorted(b.files)}")
    for key in sorted(set(a.files) & set(b.files)):
        x, y = a[key], b[key]
        if x.dtype.kind == 'O' or y.dtype.kind == 'O':
            if not (x.dtype.kind == y.dtype.kind == 'O' and x.shape == y.shape == () and x[()] is None and y[()] is None):
                failures.append(f"{key}: object entries differ")
            continue
        if x.dtype.str != y.dtype.str or x.shape != y.shape or np.isfortran(x) != np.isfortran(y):
            failures.append(f"{key}: {x.dtype.str}{x.shape} F={np.isfortran(x)} vs {y.dtype.str}{y.shape} F={np.isfortran(y)}")
        elif x.tobytes(order='A') != y.tobytes(order='A'):
            failures.append(f"{key}: values differ")
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
