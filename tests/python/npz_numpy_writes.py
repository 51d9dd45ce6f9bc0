"""NumPy writes .npz files for the library to read; each gets OUT/<name>.expect (npz_common format).

Usage: npz_numpy_writes.py OUT_DIR. Prints the .npz names written.
"""
import io
import os
import sys
import warnings
import zipfile

import numpy as np

from npz_common import write_expect

warnings.simplefilter("ignore")
out_dir = sys.argv[1]
rng = np.random.default_rng(7)

NUMERIC = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


def sample(name, shape):
    dt = np.dtype(name)
    n = int(np.prod(shape))
    if dt.kind == "b":
        flat = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        flat = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    elif dt.kind == "f":
        flat = rng.normal(0, 100, n).astype(dt)
    else:
        flat = (rng.normal(0, 10, n) + 1j * rng.normal(0, 10, n)).astype(dt)
    return flat.reshape(shape)


arrays = {}
for name in NUMERIC:
    arrays[f"{name}/le"] = sample(name, (2, 3, 4))
    arrays[f"{name}/be"] = sample(name, (3, 5)).astype(np.dtype(name).newbyteorder(">"))
    arrays[f"{name}/fortran"] = np.asfortranarray(sample(name, (4, 3, 2)))
    arrays[f"{name}/fortran_be"] = np.asfortranarray(sample(name, (3, 4))).astype(np.dtype(name).newbyteorder(">"), order="F")
    arrays[f"{name}/scalar"] = sample(name, ())
    arrays[f"{name}/empty"] = sample(name, (0,))
    arrays[f"{name}/empty3d"] = sample(name, (2, 0, 3))
arrays["predictor/l1/W"] = sample("float32", (8, 4))
arrays["predictor/l1/b"] = sample("float32", (8,))
arrays["none"] = np.asarray(None)
arrays["updater/iteration"] = np.asarray(10)
arrays["str/ascii"] = np.asarray("hello")
arrays["str/empty"] = np.asarray("")
arrays["str/non_bmp"] = np.asarray("héllo ✓ 日本 😀 \U00010348")
arrays["str/array_be"] = np.array(["a", "bc", "😀de"], dtype=">U4")
arrays["str/json_log"] = np.asarray('[{"epoch": 0, "main/loss": 0.5}]')
arrays["bytes/scalar"] = np.asarray(b"ab\x00c")
arrays["bytes/array"] = np.array([b"x", b"yz", b""], dtype="|S2")
for a in arrays.values():
    assert a.dtype.kind != "O" or a[()] is None


def save(name, writer):
    path = os.path.join(out_dir, name)
    entries = writer(path)
    write_expect(path + ".expect", entries)
    print(name)


def by_savez(fn):
    def w(path):
        fn(path, **arrays)
        return arrays.items()
    return w


save("savez.npz", by_savez(np.savez))
save("savez_compressed.npz", by_savez(np.savez_compressed))


def write_members(zf, items, version):
    for key, a in items:
        with zf.open(key + ".npy", "w", force_zip64=True) as f:
            np.lib.format.write_array(f, a, version=version, allow_pickle=True)


few = [(k, arrays[k]) for k in ("float64/le", "int16/be", "float32/fortran", "complex64/fortran_be", "uint8/scalar",
                                "int32/empty3d", "none", "str/non_bmp", "bytes/array")]
for version in ((2, 0), (3, 0)):
    name = f"format{version[0]}.npz"

    def w(path, version=version):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            write_members(zf, few, version)
        with zipfile.ZipFile(path) as zf:  # the members really have that version
            assert all(zf.read(i.filename)[6] == version[0] for i in zf.infolist())
        return few
    save(name, w)


class Unseekable(io.RawIOBase):
    """A write-only stream that cannot seek or tell, like a pipe: zipfile writes data descriptors."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def seekable(self):
        return False

    def write(self, b):
        return self.f.write(b)

    def tell(self):
        raise OSError("unseekable")

    def seek(self, *args):
        raise OSError("unseekable")


for method, name in ((zipfile.ZIP_DEFLATED, "unseekable_deflated.npz"), (zipfile.ZIP_STORED, "unseekable_stored.npz")):
    def w(path, method=method):
        with open(path, "wb") as raw:
            with zipfile.ZipFile(Unseekable(raw), "w", method) as zf:
                write_members(zf, list(arrays.items()), None)
        with zipfile.ZipFile(path) as zf:
            assert all(i.flag_bits & 0x08 for i in zf.infolist()), "expected data descriptors"
        return arrays.items()
    save(name, w)


# Members larger than the reader's small-member cache (256 KiB), so that their arrays are
# inflated straight into the caller's buffer after the npy header (src/codec/inflate_split.cpp):
# every dtype in both byte orders and Fortran order, random and compressible, v1 and v2 headers.
def large_arrays():
    big = {}
    for name in NUMERIC:
        n = (300 << 10) // np.dtype(name).itemsize + 7
        big[f"{name}/le"] = sample(name, (n,))
        big[f"{name}/be"] = sample(name, (n // 5, 5)).astype(np.dtype(name).newbyteorder(">"))
        big[f"{name}/fortran"] = np.asfortranarray(sample(name, (n // 9, 9)))
    big["float32/runs"] = np.repeat(sample("float32", (1000,)), 600)  # long matches across blocks
    big["uint8/zeros"] = np.zeros(3 << 20, np.uint8)
    return big


large = large_arrays()
save("savez_compressed_large.npz", lambda path: (np.savez_compressed(path, **large), large.items())[1])


def large_v2(path):
    items = [("float64/le", large["float64/le"]), ("int32/fortran", large["int32/fortran"])]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        write_members(zf, items, (2, 0))
    return items


save("large_format2.npz", large_v2)
