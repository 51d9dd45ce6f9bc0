"""Checks an archive written by tests/api/large_files_test.cpp with NumPy and zipfile: member
'big' is a uint8 array of N elements, zero except the marked positions, and 'after' holds 7; the
member's zip sizes are past 32 bits, so zipfile must have read them from zip64 extra fields.
usage: npz_large_check.py FILE N POS:VALUE,..."""
import sys
import zipfile

import numpy as np

path, n, marks = sys.argv[1], int(sys.argv[2]), sys.argv[3]
marks = {int(p): int(v) for p, v in (m.split(':') for m in marks.split(','))}
with zipfile.ZipFile(path) as z:
    info = z.getinfo('big.npy')
    assert info.file_size > 0xFFFFFFFF, info.file_size
    assert info.compress_type == zipfile.ZIP_DEFLATED, info.compress_type
with np.load(path) as z:
    big = z['big']
    assert big.dtype == np.uint8 and big.shape == (n,), (big.dtype, big.shape)
    nonzero = np.flatnonzero(big)
    assert nonzero.tolist() == sorted(marks), nonzero[:10]
    assert all(int(big[p]) == v for p, v in marks.items())
    del big
    assert int(z['after']) == 7
print('member of %d bytes OK' % n)
