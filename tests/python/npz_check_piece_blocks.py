"""Checks the file of tests/api/npz_piece_block_test.cpp: zipfile's CRC check passes (it skips the
piece index and piece CRC extra fields), numpy.load gives members 'c' (C order) and 'f' (stored
column-major) equal to (7 i + 3 j) % 9973 * 0.5 as float32 for shape (3000, 2048), and each has a
piece index of 2 entries with 3 piece CRC-32s (0x6363, version 1) that match its pieces' bytes.
usage: npz_check_piece_blocks.py FILE"""
import struct
import sys
import zipfile
import zlib

import numpy as np


def fields(extra):
    out = {}
    while len(extra) >= 4:
        tp, ln = struct.unpack('<HH', extra[:4])
        out[tp] = extra[4:4 + ln]
        extra = extra[4 + ln:]
    return out


path = sys.argv[1]
with zipfile.ZipFile(path) as zf:
    assert zf.testzip() is None, zf.testzip()
    for name in ('c.npy', 'f.npy'):
        info = zf.getinfo(name)
        f = fields(info.extra)
        index = f[0x6370]
        ends = [struct.unpack('<QQ', index[i:i + 16])[0] for i in range(0, len(index), 16)]
        crc_field = f[0x6363]
        assert crc_field[0] == 1 and len(crc_field) == 1 + 4 * 3, (name, len(crc_field))
        crcs = [struct.unpack('<I', crc_field[1 + 4 * i:5 + 4 * i])[0] for i in range(3)]
        member = zf.read(name)
        bounds = [0] + ends + [len(member)]
        for k in range(3):
            assert crcs[k] == zlib.crc32(member[bounds[k]:bounds[k + 1]]), (name, k)
i, j = np.meshgrid(np.arange(3000), np.arange(2048), indexing='ij')
expected = ((7 * i + 3 * j) % 9973 * 0.5).astype(np.float32)
with np.load(path) as z:
    assert z['c'].dtype == np.float32 and np.array_equal(z['c'], expected)
    assert np.array_equal(z['f'], expected) and z['f'].flags.f_contiguous
print('OK')
