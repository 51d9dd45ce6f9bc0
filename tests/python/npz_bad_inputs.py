"""Broken and unsupported .npz files for tests/api/npz_bad_input_test.cpp, in OUT_DIR.

Usage: npz_bad_inputs.py OUT_DIR. Each file is valid zip unless its name says otherwise, so the
library has to find the fault itself. Prints 'name data_offset' for crc.npz (the offset of
member a.npy's array data in the file), for information.
"""
import io
import os
import struct
import sys
import warnings
import zipfile

import numpy as np

warnings.simplefilter("ignore")
out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


def npy(a):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, allow_pickle=True)
    return f.getvalue()


def header(dict_text, data):
    """A v1.0 npy member with any header text (64-byte aligned like numpy's) and payload."""
    text = dict_text.encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text) + pad + 1) + text + b" " * pad + b"\n" + data


def stored_zip(name, members):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_STORED) as zf:
        for member, data in members:
            zf.writestr(zipfile.ZipInfo(member, (1980, 1, 1, 0, 0, 0)), data)


np.savez(path("small.npz"), a=np.arange(6, dtype="<f8"), b=np.asarray(7))
stored_zip("corrupt_header.npz", [("a.npy", header("{'descr': '<f8', 'fortran_order': Fals, 'shape': (3,), }", bytes(24)))])
stored_zip("huge_shape.npz", [("a.npy", header("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", bytes(8)))])
stored_zip("short_data.npz", [("a.npy", header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", bytes(31)))])
stored_zip("unknown_descr.npz", [("a.npy", npy(np.zeros(3, dtype="<M8[ns]")))])
stored_zip("structured.npz", [("a.npy", npy(np.zeros(3, dtype=[("x", "<f4"), ("y", "<i8")])))])
stored_zip("raw_member.npz", [("a.npy", b"hello, not an array")])
stored_zip("dup.npz", [("a.npy", npy(np.zeros(3))), ("a.npy", npy(np.ones(3)))])
stored_zip("object.npz", [("a.npy", npy(np.array(["ab", None], dtype=object)))])
stored_zip("object_1d_none.npz", [("a.npy", npy(np.array([None], dtype=object)))])
with open(path("not_a_zip.npz"), "wb") as f:
    f.write(b"this is a text file, not a zip archive\n" * 3)

# Flip one byte of the array data of a stored member: the CRC-32 no longer matches.
stored_zip("crc.npz", [("a.npy", npy(np.arange(6, dtype="<f8")))])
raw = bytearray(open(path("crc.npz"), "rb").read())
name_len, extra_len = struct.unpack("<HH", raw[26:30])
data_offset = 30 + name_len + extra_len + 128
raw[data_offset + 9] ^= 0x40
open(path("crc.npz"), "wb").write(raw)
print("crc.npz", data_offset)


# Large deflated members (inflated straight into the caller's buffer after their npy header):
# a byte flipped in stored deflate blocks leaves valid deflate with a wrong CRC-32; one flipped
# in Huffman-coded data makes the deflate data corrupt (or its CRC-32 wrong).
big = np.random.default_rng(3).normal(0, 1, 200000).astype("<f4")
for name, level, at in (("crc_large_stored_blocks.npz", 0, 300000), ("corrupt_large_deflate.npz", 6, 250000)):
    with zipfile.ZipFile(path(name), "w") as zf:
        zf.writestr(zipfile.ZipInfo("a.npy", (1980, 1, 1, 0, 0, 0)), npy(big), zipfile.ZIP_DEFLATED, level)
    raw = bytearray(open(path(name), "rb").read())
    raw[at] ^= 0x10
    open(path(name), "wb").write(raw)


def patch_member(src, dst, flag_or=0, method=None):
    """Rewrites the local and central headers of every member: OR flag bits in, set the method."""
    raw = bytearray(open(path(src), "rb").read())
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = raw.find(sig)
        while at >= 0:
            struct.pack_into("<H", raw, at + flag_at, struct.unpack_from("<H", raw, at + flag_at)[0] | flag_or)
            if method is not None:
                struct.pack_into("<H", raw, at + method_at, method)
            at = raw.find(sig, at + 4)
    open(path(dst), "wb").write(raw)


stored_zip("plain.npz", [("a.npy", npy(np.arange(6, dtype="<f8")))])
patch_member("plain.npz", "encrypted.npz", flag_or=0x1)
patch_member("plain.npz", "method98.npz", method=98)  # PPMd: a method libzip cannot read (99 means AES)
