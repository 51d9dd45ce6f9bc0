"""Checks an archive of three members, 'before', 'big' and 'after' in that order, written by
tests/api/npz_interop_test.cpp: zipfile's CRC check passes, 'big' is deflated and numpy.load gives
exactly the bytes of RAW (the float32 array's raw little-endian bytes), 'before' is [1, 2, 3] and
'after' is 4. 'big' must carry a piece index (src/npz/zip_directory.h) of PIECES - 1 entries
(none for PIECES 1), and each piece it names must inflate by itself to its part of the member,
whose CRC-32 the piece CRC field (0x6363, piece index version 2) must hold.
usage: npz_check_pieces.py FILE RAW PIECES"""
import sys
import zipfile

import numpy as np

import struct
import zlib

PIECE_INDEX_ID = 0x6370
PIECE_CRC_ID = 0x6363
PIECE_END = b'\x00\x00\x00\xff\xff'


def piece_crcs(extra):
    while len(extra) >= 4:
        tp, ln = struct.unpack('<HH', extra[:4])
        if tp == PIECE_CRC_ID:
            assert extra[4] == 1, 'piece CRC field version %d' % extra[4]
            return [struct.unpack('<I', extra[5 + i:9 + i])[0] for i in range(0, ln - 1, 4)]
        extra = extra[4 + ln:]
    return []


def piece_index(extra):
    while len(extra) >= 4:
        tp, ln = struct.unpack('<HH', extra[:4])
        if tp == PIECE_INDEX_ID:
            return [struct.unpack('<QQ', extra[4 + i:20 + i]) for i in range(0, ln, 16)]
        extra = extra[4 + ln:]
    return []


def check_pieces(zf, info, ends):
    with open(zf.filename, 'rb') as f:
        f.seek(info.header_offset)
        h = f.read(30)
        f.seek(info.header_offset + 30 + sum(struct.unpack('<HH', h[26:30])))
        stored = f.read(info.compress_size)
    member = zf.read(info.filename)
    bounds = [(0, 0)] + ends + [(info.file_size, info.compress_size)]
    crcs = piece_crcs(info.extra)
    assert len(crcs) == (len(ends) + 1 if ends else 0), (len(crcs), len(ends))
    for k, ((d0, c0), (d1, c1)) in enumerate(zip(bounds, bounds[1:])):
        assert not ends or crcs[k] == zlib.crc32(member[d0:d1]), 'piece %d CRC-32' % k
        piece = bytearray(stored[c0:c1])
        if d1 != info.file_size:  # mark the closing empty stored block final
            assert piece.endswith(PIECE_END), 'piece does not end with an empty stored block'
            piece[-5] |= 1
        d = zlib.decompressobj(-15)
        assert d.decompress(bytes(piece)) == member[d0:d1] and d.eof and not d.unused_data, (d0, d1)


path, raw, pieces = sys.argv[1], sys.argv[2], int(sys.argv[3])
with zipfile.ZipFile(path) as zf:
    assert zf.testzip() is None, zf.testzip()
    assert zf.namelist() == ['before.npy', 'big.npy', 'after.npy'], zf.namelist()
    info = zf.getinfo('big.npy')
    assert info.compress_type == zipfile.ZIP_DEFLATED
    ends = piece_index(info.extra)
    assert len(ends) == pieces - 1, (len(ends), pieces)
    check_pieces(zf, info, ends)
with np.load(path) as z:
    big = z['big']
    expected = np.fromfile(raw, dtype='<f4')
    assert big.dtype == np.dtype('<f4') and big.shape == expected.shape, (big.dtype, big.shape)
    assert big.tobytes() == expected.tobytes(), 'big differs'
    assert z['before'].tolist() == [1, 2, 3] and int(z['after']) == 4
print('OK')
