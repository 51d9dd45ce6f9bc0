"""Hostile, lying and unusual checkpoints for tests/api/hardening_*_test.cpp, written into OUT_DIR.

Usage: hardening_inputs.py OUT_DIR

Valid files are written by NumPy/h5py; hostile ones are crafted from them by re-emitting the
zip records (tests/python/hardening_zip.py). Every file that NumPy itself can read gets an
expectation file <name>.expect (the format of tests/support/npz_helpers.h) made by numpy.load,
so the C++ tests compare against NumPy, not against the library.

The array contents of the small files follow hardening_zip.pattern(), which the C++ tests
recompute independently (tests/support/hardening.h).
"""
import functools
import os
import struct
import sys
import warnings
import zipfile
import zlib

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hardening_zip import build_zip, member, members_of, npy, pattern  # noqa: E402
from npz_common import write_expect  # noqa: E402

warnings.simplefilter("ignore")
out = sys.argv[1]


path = functools.partial(os.path.join, out)


def npy_text(dict_text, data, version=1, pad_to=64):
    """An npy member with any header text (padded like numpy's) and payload."""
    text = dict_text.encode("latin1")
    pre = 10 if version == 1 else 12
    pad = (pad_to - (pre + len(text) + 1) % pad_to) % pad_to
    hlen = len(text) + pad + 1
    length = struct.pack("<H", hlen) if version == 1 else struct.pack("<I", hlen)
    return b"\x93NUMPY" + bytes([version, 0]) + length + text + b" " * pad + b"\n" + data


def expect_from_numpy(name):
    """<name>.expect from what numpy.load reads (proves numpy accepts the crafted file)."""
    with np.load(path(name), allow_pickle=True) as z:
        write_expect(path(name + ".expect"), [(k, z[k]) for k in z.files])


def stored(name, entries, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path(name), "w", method) as zf:
        for member, data in entries:
            zf.writestr(zipfile.ZipInfo(member, (1980, 1, 1, 0, 0, 0)), data, compress_type=method)


def write_members(name, members, **kw):
    with open(path(name), "wb") as f:
        f.write(build_zip(members, **kw))


# --- small valid files (truncation sweeps, byte flips, concurrency) -------------------------------
small = {"a": pattern(0, (3, 4), "<f4"), "b": pattern(1, (5,), "<i8"), "c": None}
np.savez_compressed(path("small_deflate.npz"), **small)
np.savez(path("small_stored.npz"), **small)
with h5py.File(path("small.h5"), "w") as f:
    f.create_dataset("a", data=small["a"], compression="gzip", compression_opts=4)
    f.create_dataset("b", data=small["b"])
    f.create_dataset("g/c", data=pattern(2, (2, 2), "<f4"))

# Concurrency: 24 keys of different sizes and dtypes, both compressed and stored.
many = {f"k{k:02d}": pattern(k, (1000 + 937 * k,), "<f4" if k % 3 else "<i8") for k in range(24)}
many["sub/w"] = pattern(30, (64, 65), "<f4")
for t in range(8):  # one group per thread of the concurrency tests
    for j in range(3):
        many[f"g{t}/x{j}"] = pattern(40 + 3 * t + j, (2000 + 100 * j,), "<f4")
np.savez_compressed(path("many_deflate.npz"), **many)
np.savez(path("many_stored.npz"), **many)
with h5py.File(path("many.h5"), "w") as f:
    for i, (key, a) in enumerate(sorted(many.items())):
        f.create_dataset(key, data=a, **({"compression": "gzip", "compression_opts": 4} if i % 2 else {}))

# --- npy headers that lie --------------------------------------------------------------------------
lies = {
    "shape_larger": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }", bytes(8)),
    "descr_unknown": npy_text("{'descr': '<f9', 'fortran_order': False, 'shape': (1,), }", bytes(9)),
    "descr_not_string": npy_text("{'descr': 8, 'fortran_order': False, 'shape': (1,), }", bytes(8)),
    "extra_key": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }", bytes(8)),
    "missing_key": npy_text("{'descr': '<f8', 'shape': (1,), }", bytes(8)),
    "list_shape": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }", bytes(8)),
    "negative_shape": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", bytes(8)),
    "order_not_bool": npy_text("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", bytes(8)),
    "ndim_33": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, " * 33 + "), }", bytes(8)),
    "ndim_5000": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1," * 4900 + "), }", bytes(8)),
    "overflow": npy_text("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", bytes(8)),
    "bad_version": b"\x93NUMPY\x04\x00" + npy(np.zeros(1))[8:],
    "bad_magic": b"\x93NUMPZ" + npy(np.zeros(1))[6:],
    "v2_hlen_4g": b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{" * 100,
}
# A v1 header whose HEADER_LEN (4000) runs past its 80-byte member.
lies["header_past_member"] = b"\x93NUMPY\x01\x00" + struct.pack("<H", 4000) + b"{'descr': '<f8'," + bytes(54)
for name, data in lies.items():
    stored(f"lie_{name}.npz", [("a.npy", data)])
stored("lie_shape_larger_deflate.npz", [("a.npy", lies["shape_larger"])], zipfile.ZIP_DEFLATED)

# Header size at NumPy's limit (10000 characters read) and one past it.
for hlen in (10000, 10001):
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
    body = text.encode() + b" " * (hlen - len(text) - 1) + b"\n"
    stored(f"header_{hlen}.npz", [("a.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", hlen) + body +
                                   np.array([1.5, -2.0]).tobytes())])
expect_from_numpy("header_10000.npz")
try:
    with np.load(path("header_10001.npz")) as z:
        z["a"]
    print("numpy read header_10001.npz", file=sys.stderr)
    sys.exit(3)
except ValueError:
    pass  # numpy refuses it too (max_header_size 10000)

# --- duplicates, names -----------------------------------------------------------------------------
stored("dup_suffix.npz", [("a", npy(np.zeros(2))), ("a.npy", npy(np.ones(2)))])
stored("not_npy.npz", [("weights", npy(pattern(3, (4,), "<f4"))), ("notes.txt", b"plain text, not an array\n"),
                       ("b.npy", npy(pattern(4, (3,), "<i8")))])
expect_from_numpy("not_npy.npz")  # numpy reads 'weights' (magic found) and returns bytes for notes.txt

plain = npy(pattern(5, (6,), "<f4"))
write_members("name_cp437.npz", [member(b"caf\x82.npy", plain), member(b"b.npy", npy(pattern(6, (2,), "<i8")), method=8)])
expect_from_numpy("name_cp437.npz")  # CPython decodes flagless names as CP437: key 'caf\u00e9'
write_members("name_utf8.npz", [member("\u65e5\u672c/\u00e9t\u00e9.npy".encode(), plain, flags=0x800)])
expect_from_numpy("name_utf8.npz")
write_members("name_bad_utf8.npz", [member(b"bad\xff\xfe.npy", plain, flags=0x800), member(b"b.npy", plain)])
try:
    zipfile.ZipFile(path("name_bad_utf8.npz")).namelist()
    print("CPython read name_bad_utf8.npz", file=sys.stderr)
    sys.exit(3)
except UnicodeDecodeError:
    pass

# --- zip64 local headers (CPython >= 3.11.4), data descriptors --------------------------------------
# Patch the numpy-written small files: the same members and data, other local records.
for src in ("small_deflate", "small_stored"):
    ms = members_of(path(src + ".npz"))
    for style in ("zip64_local", "descriptor", "zip64_descriptor", "descriptor_nosig"):
        write_members(f"{src}_{style}.npz", ms, local=style)
        expect_from_numpy(f"{src}_{style}.npz")
expect_from_numpy("small_deflate.npz")
expect_from_numpy("small_stored.npz")

# bzip2 members go through libzip (CPython can write them; numpy reads them).
stored("bzip2.npz", [("a.npy", npy(pattern(7, (50,), "<f4")))], zipfile.ZIP_BZIP2)
expect_from_numpy("bzip2.npz")
raw = bytearray(open(path("bzip2.npz"), "rb").read())
for sig, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
    at = raw.find(sig)
    struct.pack_into("<I", raw, at + crc_at, struct.unpack_from("<I", raw, at + crc_at)[0] ^ 0x10000)
open(path("bzip2_crc.npz"), "wb").write(raw)

# --- CRC, encryption, methods on deflated members --------------------------------------------------
ms = members_of(path("small_deflate.npz"))
bad = [m._replace(crc=m.crc ^ 1) if m.name == b"a.npy" else m for m in ms]
write_members("deflate_crc.npz", bad)
write_members("deflate_encrypted.npz", [m._replace(flags=m.flags | 1) if m.name == b"a.npy" else m for m in ms])
write_members("deflate_method98.npz", [m._replace(method=98) if m.name == b"a.npy" else m for m in ms])

# --- zip bombs -------------------------------------------------------------------------------------
# A tiny deflate stream whose directory claims 3 GiB, and one claiming 1 TiB through zip64.
tiny = [m for m in ms if m.name == b"a.npy"][0]
write_members("bomb_claim_3g.npz", [tiny._replace(size=3 << 30)])
write_members("bomb_claim_1t.npz", [tiny._replace(size=1 << 40)], zip64_central=True)
# A member claiming exactly 1032 bytes per compressed byte (the default limit) and one past it.
write_members("ratio_at_limit.npz", [tiny._replace(size=len(tiny.data) * 1032)])
write_members("ratio_past_limit.npz", [tiny._replace(size=len(tiny.data) * 1032 + 1032)])
# A real bomb: 32 MiB of zeros deflated about 1029:1 (under deflate's maximum ratio).
np.savez_compressed(path("bomb_zeros.npz"), z=np.zeros(4 << 20, dtype="<f8"))
zm = members_of(path("bomb_zeros.npz"))[0]
ratio = zm.size / len(zm.data)
assert 500 < ratio < 1032, ratio
print("bomb_zeros.npz ratio", round(ratio, 1))

# --- max_members: a 3-member archive ---------------------------------------------------------------
np.savez(path("three.npz"), x=np.int64(1), y=np.int64(2), z=np.int64(3))
print("ok")
