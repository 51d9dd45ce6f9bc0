"""Checks an .npz the library wrote (tests/api/npz_interop_test.cpp) with numpy.load.

Usage: npz_check_written.py FILE KEY_COUNT METHOD(0|8)
Keys describe themselves, and the expected arrays are computed here from the same formula the
C++ side uses (never from the file):
  num/<dtype>/<le|be>/<C|F>/<shape>   shape 'scalar' or extents joined by 'x'
  str/<i> (0-d <U), strarr/be (>U), bytes/<i> (0-d |S), none
Each entry must load with the expected dtype.str, shape, Fortran flag and values, and each
member's bytes must equal what numpy.lib.format.write_array writes for the expected array.
"""
import io
import sys
import zipfile

import numpy as np

STRINGS = ["", "hello", "héllo ✓ 日本 😀", "\U0001F600\U00010348"]
BYTES = [b"ab\x00c", b""]
INT_SCALE = {("i", 1): 1, ("i", 2): 300, ("i", 4): 20000000, ("i", 8): 72057594037927,
             ("u", 1): 1, ("u", 2): 262, ("u", 4): 17000000, ("u", 8): 73786976294837}


def formula(dtype, n):
    """Element i (C order) of every numeric test array; mirrors value_at() in the C++ test."""
    i = np.arange(n, dtype=np.int64)
    if dtype.kind == "b":
        return i % 3 == 0
    if dtype.kind == "i":
        return ((i * 37 + 11) % 200 - 100) * INT_SCALE[("i", dtype.itemsize)]
    if dtype.kind == "u":
        return ((i * 37 + 11) % 250) * INT_SCALE[("u", dtype.itemsize)]
    if dtype.kind == "f":
        return i * 0.25 - 3.5
    return (i * 0.5 - 1.0) + 1j * (3.0 - i * 0.25)


def expected(key):
    parts = key.split("/")
    if parts[0] == "num":
        name, order, layout, shape_s = parts[1:]
        shape = () if shape_s == "scalar" else tuple(int(x) for x in shape_s.split("x"))
        dt = np.dtype(name).newbyteorder(">" if order == "be" else "<")
        a = formula(dt, int(np.prod(shape))).astype(dt).reshape(shape)
        return np.asfortranarray(a) if layout == "F" and a.ndim > 0 else a
    if parts[0] == "str":
        return np.asarray(STRINGS[int(parts[1])])
    if parts[0] == "strarr":
        return np.array(STRINGS, dtype=">U%d" % max(len(s) for s in STRINGS))
    if parts[0] == "bytes":
        return np.asarray(BYTES[int(parts[1])])
    if parts[0] == "none":
        return np.asarray(None)
    raise KeyError(key)


def npy_bytes(a):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, allow_pickle=True)
    return f.getvalue()


path, count, method = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
failures = []
with np.load(path, allow_pickle=True) as z, zipfile.ZipFile(path) as zf:
    if len(z.files) != count:
        failures.append(f"{len(z.files)} keys, expected {count}")
    if zf.testzip() is not None:
        failures.append(f"bad CRC in {zf.testzip()}")
    for info in zf.infolist():
        if info.compress_type != method:
            failures.append(f"{info.filename}: compression method {info.compress_type}, expected {method}")
    for key in z.files:
        a, e = z[key], expected(key)
        if e.dtype.kind == "O":
            if not (a.dtype.kind == "O" and a.shape == () and a[()] is None):
                failures.append(f"{key}: not None: {a!r}")
        elif a.dtype.str != e.dtype.str or a.shape != e.shape or np.isfortran(a) != np.isfortran(e):
            failures.append(f"{key}: got {a.dtype.str}{a.shape} F={np.isfortran(a)}, "
                            f"expected {e.dtype.str}{e.shape} F={np.isfortran(e)}")
        elif not np.array_equal(a, e):
            failures.append(f"{key}: values differ: {a!r} vs {e!r}")
        if zf.read(key + ".npy") != npy_bytes(e):
            failures.append(f"{key}: member bytes differ from numpy's own write_array")
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
