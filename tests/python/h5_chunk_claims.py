"""Writes HDF5 files whose chunk shape claims far more than the file holds, as h5py allows for
resizable datasets, for the chunk-limit tests.
usage: h5_chunk_claims.py DIR"""
import os
import sys
import zlib

import h5py
import numpy as np

BIG = (3 * 2**13, 2**14)  # float32: 1.5 GiB per chunk, HDF5 allows up to 4 GiB


def resizable(f, key, chunks, **kw):
    return f.create_dataset(key, shape=(4, 3)[:len(chunks)], maxshape=(None,) * len(chunks), chunks=chunks,
                            dtype='<f4', compression='gzip', **kw)


def main():
    out = sys.argv[1]
    with h5py.File(os.path.join(out, 'never_written.h5'), 'w') as f:
        resizable(f, 'w', BIG, fillvalue=7.0)
    # One chunk, stored as a zlib stream of 64 bytes: it cannot inflate to the chunk it claims.
    tiny = zlib.compress(np.arange(16, dtype='<f4').tobytes())
    with h5py.File(os.path.join(out, 'tiny_stream.h5'), 'w') as f:
        resizable(f, 'w', BIG).id.write_direct_chunk((0, 0), tiny)
        resizable(f, 'small', (2**24,)).id.write_direct_chunk((0,), tiny)  # 64 MiB claimed


main()
