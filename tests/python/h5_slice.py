"""Reads dataset KEY of an HDF5 file with h5py, slices it with NumPy (offsets and counts given as
comma-separated lists, '' for 0-d), casts to DTYPE if given, and prints the sha256 of the C-order
little-endian bytes of the block."""
import hashlib
import sys

import h5py
import numpy as np

path, key, offsets, counts = sys.argv[1:5]
dtype = sys.argv[5] if len(sys.argv) > 5 else None
with h5py.File(path, 'r') as f:
    ds = f[key]
    whole = ds.asstr()[()] if h5py.check_string_dtype(ds.dtype) and ds.dtype.kind == 'O' else ds[()]
    whole = np.array(whole.tolist() if ds.dtype.kind == 'O' else whole, dtype=str if ds.dtype.kind == 'O' else None)
    off = [int(x) for x in offsets.split(',') if x]
    cnt = [int(x) for x in counts.split(',') if x]
    block = whole[tuple(slice(o, o + c) for o, c in zip(off, cnt))]
    if block.dtype.kind == 'U':  # as wide as the widest string in the whole dataset
        block = block.astype('<U%d' % max(1, whole.dtype.itemsize // 4))
    if dtype:
        block = block.astype(dtype)
    block = np.ascontiguousarray(block)
    if block.dtype.byteorder == '>':
        block = block.astype(block.dtype.newbyteorder('<'))
    print(hashlib.sha256(block.tobytes()).hexdigest())
