"""The real NumPy and h5py on both sides of the memory-order calls (tests/api/memory_order_test.cpp).

Every key is DTYPE/SHAPE (e.g. "float32/3x4"); its logical array is logical(dtype, shape), the
formula the C++ test mirrors element by element in C order.

usage: memory_order.py write STORED.npz COMPRESSED.npz   NumPy writes each array twice, under c/KEY
                                                        in C order and under f/KEY Fortran-ordered
       memory_order.py check-npz FILE.npz              every member equals its logical array, and
                                                        is byte-identical to numpy.save of the
                                                        Fortran-ordered array; prints the count
       memory_order.py check-h5 FILE.h5                h5py reads every dataset as its logical
                                                        array, C-ordered; prints the count"""
import io
import sys
import zipfile

import h5py
import numpy as np

DTYPES = ["bool", "int8", "uint16", "int32", "int64", "float32", "float64", "complex64", "complex128"]
SHAPES = [(5,), (3, 4), (2, 3, 5), (2, 3, 1, 4), (70, 130)]


def logical(dtype, shape):
    n = int(np.prod(shape))
    k = np.arange(n, dtype=np.int64)
    if dtype == "bool":
        flat = k % 3 == 0
    else:
        v = (k * 7 + 3) % 100
        flat = (v - 1j * v).astype(dtype) if dtype.startswith("complex") else v.astype(dtype)
    return flat.reshape(shape)


def parse(key):
    dtype, dims = key.split("/")[-2:]
    return dtype, tuple(int(d) for d in dims.split("x"))


def name(dtype, shape):
    return dtype + "/" + "x".join(str(d) for d in shape)


def write(stored, compressed):
    arrays = {}
    for dtype in DTYPES:
        for shape in SHAPES:
            a = logical(dtype, shape)
            arrays["c/" + name(dtype, shape)] = a
            arrays["f/" + name(dtype, shape)] = np.asfortranarray(a)
    np.savez(stored, **arrays)
    np.savez_compressed(compressed, **arrays)


def check_npz(path):
    count = 0
    with np.load(path) as f, zipfile.ZipFile(path) as z:
        for key in f.files:
            dtype, shape = parse(key)
            expected = logical(dtype, shape)
            got = f[key]
            assert got.dtype == expected.dtype and np.array_equal(got, expected), key
            numpy_wrote = io.BytesIO()
            np.lib.format.write_array(numpy_wrote, np.asfortranarray(expected), allow_pickle=False)
            member = z.read(key + ".npy")
            assert member == numpy_wrote.getvalue(), f"{key}: member differs from numpy.save's bytes"
            count += 1
    print(count)


def check_h5(path):
    keys = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: keys.append(k) if isinstance(v, h5py.Dataset) else None)
        for key in keys:
            dtype, shape = parse(key)
            expected = logical(dtype, shape)
            got = f[key][()]
            assert got.dtype == expected.dtype and np.array_equal(got, expected), key
    print(len(keys))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"write": write, "check-npz": check_npz, "check-h5": check_h5}[command](*args)
