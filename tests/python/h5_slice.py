"""Reads blocks of datasets of an HDF5 file with h5py, slicing with NumPy, and prints for each the
sha256 of its C-order little-endian bytes, one line per block.
usage: h5_slice.py FILE BLOCKS
BLOCKS is a file of lines 'key<TAB>offsets<TAB>counts[<TAB>dtype]': offsets and counts are
comma-separated ('' for 0-d); the block is cast to dtype when one is given."""
import hashlib
import sys

import h5py
import numpy as np


def whole_array(ds):
    if h5py.check_string_dtype(ds.dtype) and ds.dtype.kind == 'O':
        return np.array(ds.asstr()[()].tolist(), dtype=str)
    return ds[()]


def block_hash(whole, offsets, counts, dtype):
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
    return hashlib.sha256(block.tobytes()).hexdigest()


def main():
    path, blocks = sys.argv[1:3]
    wholes = {}
    with h5py.File(path, 'r') as f, open(blocks) as lines:
        for line in lines:
            key, offsets, counts, *dtype = line.rstrip('\n').split('\t')
            if key not in wholes:
                wholes[key] = whole_array(f[key])
            print(block_hash(wholes[key], offsets, counts, dtype[0] if dtype else None))


main()
