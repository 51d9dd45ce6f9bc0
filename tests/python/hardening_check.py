"""Checks checkpoints written by tests/api/hardening_concurrency_test.cpp with NumPy and h5py.

Usage: hardening_check.py FILE:BASE:COUNT:ELEMS ...
Each file must hold exactly the keys w0 .. w<COUNT-1>, key wj being
hardening_zip.pattern(BASE + j, (ELEMS,), '<f4'). Prints one line per problem; exits 1 if any.
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hardening_zip import pattern  # noqa: E402

problems = []
for arg in sys.argv[1:]:
    name, base, count, elems = arg.rsplit(":", 3)
    base, count, elems = int(base), int(count), int(elems)
    if name.endswith(".h5"):
        with h5py.File(name, "r") as f:
            got = {k: f[k][()] for k in f.keys()}
    else:
        with np.load(name) as z:
            got = {k: z[k] for k in z.files}
    want = {f"w{j}": pattern(base + j, (elems,), "<f4") for j in range(count)}
    if sorted(got) != sorted(want):
        problems.append(f"{name}: keys {sorted(got)}")
        continue
    for k, a in want.items():
        if got[k].dtype != a.dtype or got[k].shape != a.shape or not np.array_equal(got[k], a):
            problems.append(f"{name}: {k} differs")
print("\n".join(problems) if problems else "ok")
sys.exit(1 if problems else 0)
