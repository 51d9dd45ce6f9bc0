"""Helpers shared by the npz_*.py test scripts (run with /usr/bin/python3 and Debian's NumPy)."""
import hashlib

import numpy as np


def c_le_bytes(a):
    """C-order bytes with little-endian multi-byte fields (UTF-32LE for <U), as MANIFEST.json hashes."""
    a = np.asarray(a)
    if a.dtype.byteorder == '>':
        a = a.astype(a.dtype.newbyteorder('<'))
    return np.ascontiguousarray(a).tobytes()


def is_fortran(a):
    """What numpy writes as fortran_order: F-contiguous and not C-contiguous (so never for 0-d/1-d)."""
    return bool(a.flags.f_contiguous and not a.flags.c_contiguous)


def expect_line(key, a):
    """One line of the format tests/support/npz_helpers.h expect_npz_matches() reads."""
    a = np.asarray(a)
    if a.dtype.kind == 'O':
        assert a.shape == () and a[()] is None, key
        return f"{key}\t|O\t0\t\tNONE"
    shape = ",".join(str(d) for d in a.shape)
    digest = hashlib.sha256(c_le_bytes(a)).hexdigest()
    return f"{key}\t{a.dtype.str}\t{int(is_fortran(a))}\t{shape}\t{digest}"


def write_expect(path, entries):
    """entries: iterable of (key, array)."""
    with open(path, "w", encoding="utf-8") as f:
        for key, a in entries:
            f.write(expect_line(key, a) + "\n")
