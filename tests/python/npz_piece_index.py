"""Writes an .npz whose deflated members carry libchainerser's piece index (src/npz/zip_directory.h),
the pieces made by zlib rather than by libchainerser, and checks that numpy.load reads it.
usage: npz_piece_index.py OUT.npz
Members (each a float32 array of 60000 values, i * 0.25 mod 97):
  w          three pieces and a correct index;
  misplaced  the same pieces, its index off by one compressed byte (readers must not trust it);
  plain      one ordinary zlib stream, no index.
and, with the piece CRC-32s of piece index version 2 (extra field 0x6363: a version byte, then
the CRC-32 of each piece):
  crc               the pieces of w, correct CRCs;
  crc_wrong         one CRC wrong (they do not combine to the member's: readers ignore them);
  crc_short         one CRC missing;
  crc_other_version version byte 2;
  crc_shifted       correct CRCs, the index off by one compressed byte;
  crc_decoded_lie   the index's decoded ends 4 bytes early, with the CRCs of those (wrong) ranges,
                    which combine to the member's CRC-32;
  crc_forged        the second piece's data changed, CRCs of the changed pieces, the member's
                    CRC-32 that of the original (NumPy is not asked to read this one).
Prints the sha256 of the array's bytes."""
import hashlib
import io
import struct
import sys
import zlib

import numpy as np

PIECE_INDEX_ID = 0x6370
PIECE_CRC_ID = 0x6363
PIECE_END = b'\x00\x00\x00\xff\xff'  # an empty non-final stored block on a byte boundary


def npy_bytes(array):
    out = io.BytesIO()
    np.lib.format.write_array(out, array)
    return out.getvalue()


def pieces(data, cuts):
    """Each slice deflated by itself; all but the last end without a final block, with PIECE_END."""
    streams, ends = [], []
    bounds = [0] + cuts + [len(data)]
    for k in range(len(bounds) - 1):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        last = k == len(bounds) - 2
        s = c.compress(data[bounds[k]:bounds[k + 1]]) + c.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
        if not last:
            s += PIECE_END
        streams.append(s)
        ends.append((bounds[k + 1], sum(len(x) for x in streams)))
    return b''.join(streams), ends[:-1]


def write_zip(path, members):
    """members: (name, raw bytes, deflated bytes, piece ends[, more extra fields[, member CRC-32]]); zip as
    numpy writes it, plus the index."""
    out, central = io.BytesIO(), []
    for name, raw, deflated, ends, *more in members:
        offset, crc, n = out.tell(), zlib.crc32(raw), name.encode()
        if len(more) > 1:
            crc = more[1]
        zip64 = struct.pack('<HHQQ', 1, 16, len(raw), len(deflated))
        out.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0x21, crc, len(deflated), len(raw),
                              len(n), len(zip64)) + n + zip64 + deflated)
        index = b''.join(struct.pack('<QQ', d, c) for d, c in ends)
        extra = struct.pack('<HH', PIECE_INDEX_ID, len(index)) + index if ends else b''
        extra += more[0] if more else b''
        central.append(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 0x314, 20, 0, 8, 0, 0x21, crc, len(deflated),
                                   len(raw), len(n), len(extra), 0, 0, 0, 0o600 << 16, offset) + n + extra)
    cd_at = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(members), len(members), out.tell() - cd_at, cd_at, 0))
    with open(path, 'wb') as f:
        f.write(out.getvalue())


def crc_field(crcs, version=1):
    body = bytes([version]) + b''.join(struct.pack('<I', c) for c in crcs)
    return struct.pack('<HH', PIECE_CRC_ID, len(body)) + body


def main():
    path = sys.argv[1]
    array = (np.arange(60000, dtype=np.float32) * 0.25) % 97
    raw = npy_bytes(array)
    deflated, ends = pieces(raw, [70000, 150000])
    misplaced = [(d, c + 1) for d, c in ends]
    cuts = [70000, 150000]
    crcs = [zlib.crc32(raw[a:b]) for a, b in zip([0] + cuts, cuts + [len(raw)])]
    wrong = crcs[:1] + [crcs[1] ^ 1] + crcs[2:]
    early = [(d - 4, c) for d, c in ends]
    early_cuts = [d for d, _ in early]
    early_crcs = [zlib.crc32(raw[a:b]) for a, b in zip([0] + early_cuts, early_cuts + [len(raw)])]
    forged_raw = raw[:100000] + bytes([raw[100000] ^ 0x40]) + raw[100001:]
    forged, _ = pieces(forged_raw, cuts)
    forged_crcs = [zlib.crc32(forged_raw[a:b]) for a, b in zip([0] + cuts, cuts + [len(raw)])]
    write_zip(path, [('w.npy', raw, deflated, ends), ('misplaced.npy', raw, deflated, misplaced),
                     ('plain.npy', raw, zlib.compress(raw, 6)[2:-4], []),
                     ('crc.npy', raw, deflated, ends, crc_field(crcs)),
                     ('crc_wrong.npy', raw, deflated, ends, crc_field(wrong)),
                     ('crc_short.npy', raw, deflated, ends, crc_field(crcs[:2])),
                     ('crc_other_version.npy', raw, deflated, ends, crc_field(crcs, 2)),
                     ('crc_shifted.npy', raw, deflated, misplaced, crc_field(crcs)),
                     ('crc_decoded_lie.npy', raw, deflated, early, crc_field(early_crcs)),
                     ('crc_forged.npy', raw, forged, ends, crc_field(forged_crcs), zlib.crc32(raw))])
    with np.load(path) as z:
        for key in ('w', 'misplaced', 'plain', 'crc', 'crc_wrong', 'crc_short', 'crc_other_version', 'crc_shifted',
                    'crc_decoded_lie'):
            assert np.array_equal(z[key], array), key
    print(hashlib.sha256(array.tobytes()).hexdigest())


main()
