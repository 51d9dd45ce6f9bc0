"""What NumPy (.npz) and h5py (.h5) read, for the C++ wrapper's tests (tests/api/cpp_parity_test.cpp).

usage:
  cpp_wrapper_oracle.py sha FILE SPEC...     one sha256 a line, of the bytes of each SPEC's array
  cpp_wrapper_oracle.py describe FILE KEY... one 'key<TAB>descr<TAB>shape<TAB>fortran<TAB>values' a line

SPEC is 'key:ORDER' (the whole entry) or 'key:ORDER:OFFSETS:COUNTS' (a block, comma-separated);
ORDER C or F is the memory order of the hashed bytes, which are little-endian, one byte per bool.
shape is comma-separated ('' for 0-d); values is repr(array.tolist()) ('None' for Chainer's None).
"""
import hashlib
import sys

import numpy as np


def load(path):
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "r") as f:
            out = {}
            f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
            return out
    with np.load(path, allow_pickle=True) as z:
        return {k: z[k] for k in z.files}


def block_bytes(a, spec):
    parts = spec.split(":")
    order = parts[1]
    if len(parts) == 4:
        off = [int(x) for x in parts[2].split(",") if x]
        cnt = [int(x) for x in parts[3].split(",") if x]
        a = a[tuple(slice(o, o + c) for o, c in zip(off, cnt))]
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    return a.tobytes(order=order)


def main():
    command, path, *args = sys.argv[1:]
    arrays = load(path)
    for arg in args:
        if command == "sha":
            print(hashlib.sha256(block_bytes(arrays[arg.split(":")[0]], arg)).hexdigest())
        elif command == "describe":
            a = arrays[arg]
            if not isinstance(a, np.ndarray) or a.dtype.kind == "O":
                print("\t".join([arg, "|O", "", "0", "None"]))
                continue
            fortran = int(a.ndim > 1 and np.isfortran(a))
            print("\t".join([arg, a.dtype.str, ",".join(map(str, a.shape)), str(fortran), repr(a.tolist())]))
        else:
            sys.exit("unknown command " + command)


main()
