"""Reads dataset KEY with h5py's read_direct into a zero array of DTYPE (what Chainer's
HDF5Deserializer does for an ndarray target) and prints the sha256 of the target's bytes."""
import hashlib
import sys

import h5py
import numpy as np

path, key, dtype = sys.argv[1:4]
with h5py.File(path, 'r') as f:
    ds = f[key]
    target = np.zeros(ds.shape, dtype=dtype)
    ds.read_direct(target)
    print(hashlib.sha256(target.tobytes()).hexdigest())
