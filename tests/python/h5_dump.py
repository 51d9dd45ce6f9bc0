"""Describes every dataset of an HDF5 file as h5py and numpy see it, one tab-separated line each:
key dtype shape sha256 layout chunks compression compression_opts shuffle fletcher32 h5py_guess_chunk
shape is comma-separated ("" for 0-d, "none" for h5py.Empty); sha256 is over the C-order,
little-endian bytes (strings as numpy '<U' of the widest value, UTF-32LE)."""
import hashlib
import sys

import h5py
import numpy as np
from h5py._hl.filters import guess_chunk


def as_numpy(ds):
    if h5py.check_string_dtype(ds.dtype) is not None and ds.dtype.kind == 'O':
        strs = ds.asstr()[()]
        return np.array(strs, dtype=str) if ds.shape == () else np.array(strs.tolist(), dtype=str).reshape(ds.shape)
    return ds[()]


def little(a):
    a = np.ascontiguousarray(a)
    if a.dtype.byteorder == '>':
        a = a.astype(a.dtype.newbyteorder('<'))
    return a


def describe(name, ds):
    if ds.shape is None:
        return [name, 'none:' + ds.dtype.str, 'none', '-', 'contiguous', '-', '-', '-', '0', '0', '-']
    a = as_numpy(ds)
    if a.dtype.kind == 'U' and a.dtype.itemsize == 0:
        a = a.astype('<U1')
    sha = hashlib.sha256(little(a).tobytes()).hexdigest()
    layout = ds.id.get_create_plist().get_layout()
    layout = {h5py.h5d.CONTIGUOUS: 'contiguous', h5py.h5d.CHUNKED: 'chunked', h5py.h5d.COMPACT: 'compact'}[layout]
    chunks = ','.join(map(str, ds.chunks)) if ds.chunks else '-'
    guess = ','.join(map(str, guess_chunk(ds.shape, None, ds.dtype.itemsize))) if ds.shape else '-'
    return [name, a.dtype.str, ','.join(map(str, ds.shape)), sha, layout, chunks, str(ds.compression or '-'),
            str(ds.compression_opts if ds.compression_opts is not None else '-'), str(int(ds.shuffle)),
            str(int(ds.fletcher32)), guess]


def main():
    lines = []
    with h5py.File(sys.argv[1], 'r') as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                lines.append('\t'.join(describe(name, obj)))
        f.visititems(visit)
    print('\n'.join(sorted(lines)))


main()
