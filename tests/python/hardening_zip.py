"""Zip records written by hand, for crafting the archives of tests/python/hardening_inputs.py.

members_of() takes the members of a NumPy-written .npz as they are (compressed data, CRC, sizes,
flags); build_zip() writes them back with the local headers, data descriptors and zip64 fields
chosen, so a crafted file differs from NumPy's only where a test wants it to.
"""
import io
import struct
import zipfile
import zlib
from collections import namedtuple

import numpy as np

# name: raw bytes; data: the bytes stored in the file (deflate stream for method 8);
# size: uncompressed size claimed by the directory.
Member = namedtuple("Member", "name data flags method crc size")


def pattern(k, shape, dtype):
    """The test arrays: element i of key k is ((37 i + 101 k) mod 4099) * 0.25 - 500 for floats,
    ((37 i + 101 k) mod 4099) - 2000 for integers (tests/support/hardening.h has the same)."""
    n = int(np.prod(shape, dtype=np.int64))
    v = (np.arange(n, dtype=np.int64) * 37 + k * 101) % 4099
    a = v * 0.25 - 500 if np.dtype(dtype).kind == "f" else v - 2000
    return a.astype(dtype).reshape(shape)


def npy(a):
    """The .npy bytes NumPy writes for `a` (pickles allowed, for None)."""
    f = io.BytesIO()
    np.lib.format.write_array(f, np.asarray(a), allow_pickle=True)
    return f.getvalue()


def member(name, payload, flags=0, method=0):
    """A member holding `payload` (stored, or deflated for method 8)."""
    data = payload
    if method == 8:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = c.compress(payload) + c.flush()
    return Member(name, data, flags, method, zlib.crc32(payload), len(payload))


def members_of(path):
    """The members of an existing zip archive, exactly as stored."""
    out = []
    raw = open(path, "rb").read()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            at = info.header_offset
            name_len, extra_len = struct.unpack_from("<HH", raw, at + 26)
            start = at + 30 + name_len + extra_len
            name = raw[at + 30:at + 30 + name_len]
            out.append(Member(name, raw[start:start + info.compress_size], info.flag_bits & ~0x8,
                              info.compress_type, info.CRC, info.file_size))
    return out


def build_zip(members, local="plain", zip64_central=False):
    """Archive bytes. local: 'plain' (sizes and CRC in the local header), 'zip64_local' (version 45,
    0xFFFFFFFF sizes and a zip64 extra, as CPython >= 3.11.4 writes), 'descriptor' (bit 3, zeros,
    signed 32-bit data descriptor), 'descriptor_nosig' (the same without the signature) or
    'zip64_descriptor' (bit 3, 0xFFFFFFFF sizes, zip64 extra of zeros, 64-bit descriptor, as
    CPython writes to an unseekable stream). zip64_central puts the sizes of every member in a
    zip64 extra of the central directory."""
    body = bytearray()
    central = bytearray()
    for m in members:
        offset = len(body)
        flags = m.flags | (0x8 if "descriptor" in local else 0)
        version = 45 if local in ("zip64_local", "zip64_descriptor") else 20
        extra = b""
        crc, csize, usize = m.crc, len(m.data), m.size
        if local == "zip64_local":
            extra = struct.pack("<HHQQ", 1, 16, m.size, len(m.data))
            csize = usize = 0xFFFFFFFF
        elif local == "zip64_descriptor":
            extra = struct.pack("<HHQQ", 1, 16, 0, 0)
            crc, csize, usize = 0, 0xFFFFFFFF, 0xFFFFFFFF
        elif "descriptor" in local:
            crc, csize, usize = 0, 0, 0
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, flags, m.method, 0, 0x21, crc,
                            csize & 0xFFFFFFFF, usize & 0xFFFFFFFF, len(m.name), len(extra))
        body += m.name + extra + m.data
        if local == "descriptor":
            body += struct.pack("<IIII", 0x08074B50, m.crc, len(m.data), m.size)
        elif local == "descriptor_nosig":
            body += struct.pack("<III", m.crc, len(m.data), m.size)
        elif local == "zip64_descriptor":
            body += struct.pack("<IIQQ", 0x08074B50, m.crc, len(m.data), m.size)
        cextra = b""
        cs, us = len(m.data), m.size
        if zip64_central or us > 0xFFFFFFFE or cs > 0xFFFFFFFE:
            cextra = struct.pack("<HHQQ", 1, 16, us, cs)
            cs = us = 0xFFFFFFFF
        cversion = 45 if cextra else version
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0300 | cversion, cversion, flags, m.method,
                               0, 0x21, m.crc, cs, us, len(m.name), len(cextra), 0, 0, 0, 0o600 << 16, offset)
        central += m.name + cextra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    return bytes(body + central + end)
