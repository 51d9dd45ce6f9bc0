"""Checks an archive of three members, 'before', 'big' and 'after' in that order, written by
tests/api/npz_interop_test.cpp: zipfile's CRC check passes, 'big' is deflated and numpy.load gives
exactly the bytes of RAW (the float32 array's raw little-endian bytes), 'before' is [1, 2, 3] and
'after' is 4.
usage: npz_check_pieces.py FILE RAW"""
import sys
import zipfile

import numpy as np

path, raw = sys.argv[1:3]
with zipfile.ZipFile(path) as zf:
    assert zf.testzip() is None, zf.testzip()
    assert zf.namelist() == ['before.npy', 'big.npy', 'after.npy'], zf.namelist()
    assert zf.getinfo('big.npy').compress_type == zipfile.ZIP_DEFLATED
with np.load(path) as z:
    big = z['big']
    expected = np.fromfile(raw, dtype='<f4')
    assert big.dtype == np.dtype('<f4') and big.shape == expected.shape, (big.dtype, big.shape)
    assert big.tobytes() == expected.tobytes(), 'big differs'
    assert z['before'].tolist() == [1, 2, 3] and int(z['after']) == 4
print('OK')
