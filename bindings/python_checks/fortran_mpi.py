"""What bindings/fortran/tests/test_chainerser_mpi.f90 wrote on NP ranks into DIR, checked with
NumPy and h5py: every key, dtype, shape and value, computed here from the global indices with
the formulas the Fortran program uses (never from its output).

usage: fortran_mpi.py DIR NP"""
import os
import sys
import zipfile

import numpy as np
from numpy.lib import format as npy_format

directory, nranks = sys.argv[1], int(sys.argv[2])
os.environ.pop("H5PY_ALWAYS_USE_MPI", None)
import h5py  # noqa: E402  (serial h5py: this script does not run under mpirun)

NX, NY = 7, 10


def expected():
    i, j = np.meshgrid(np.arange(NX), np.arange(NY), indexing="ij")
    t = 1000.0 * i + j + 0.25
    out = {
        "field/T_cols": t,
        "field/T_grid": t,
        "field/u": t,
        "field/mask": (7 * i - 3 * j).astype(np.int32),
        "field/z": (i + 0.5) - 1j * j,
        "field/i8": ((11 * i + j) % 256 - 128).astype(np.int8),
        "field/h": ((i - j) * 0.5).astype(np.float16),
        "field/ids": 3 * np.arange(11, dtype=np.int64) + 2**40,
        "meta/writer": "fortran mpi",
    }
    a, b, c = np.meshgrid(np.arange(4), np.arange(5), np.arange(6), indexing="ij")
    out["field/rho"] = (a + 10 * b + 100 * c).astype(np.float32) + np.float32(0.5)
    a, b, c, d = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), np.arange(5), indexing="ij")
    out["field/q4"] = (a + 10 * b + 100 * c + 1000 * d).astype(np.float64)
    fi, fj = np.meshgrid(np.arange(3), np.arange(8), indexing="ij")
    out["field/flags"] = (fi + 2 * fj) % 3 == 0
    wi, wj = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    for r in range(nranks):
        out["model/rank%d/W" % r] = (100 * r + 10 * wi + wj).astype(np.float32)
        out["model/rank%d/b" % r] = 1000 * r + np.arange(3, dtype=np.int64)
    return out


def same(key, got, want, where):
    if isinstance(want, str):
        got = got.decode() if isinstance(got, bytes) else str(got)
        assert got == want, "%s: %s is %r, not %r" % (where, key, got, want)
        return
    assert got.dtype == want.dtype, "%s: %s has dtype %s, not %s" % (where, key, got.dtype, want.dtype)
    assert got.shape == want.shape, "%s: %s has shape %s, not %s" % (where, key, got.shape, want.shape)
    np.testing.assert_array_equal(got, want, err_msg="%s: %s" % (where, key))


want = expected()
for name, compressed in (("ckpt_z.npz", True), ("ckpt_s.npz", False)):
    path = os.path.join(directory, name)
    with np.load(path) as npz:
        assert sorted(npz.files) == sorted(want), "%s: keys %s" % (path, sorted(npz.files))
        for key, value in want.items():
            same(key, npz[key][()] if isinstance(value, str) else npz[key], value, path)
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            key = info.filename[:-4]
            assert (info.compress_type == zipfile.ZIP_DEFLATED) == compressed, "%s: %s compression" % (path, key)
            if not key.startswith("field/"):
                continue
            with z.open(info) as member:
                version = npy_format.read_magic(member)
                shape, fortran, _ = npy_format._read_array_header(member, version)
            # Slabs from Fortran are Fortran-ordered members of the global shape, as put writes.
            assert shape == want[key].shape, "%s: %s header shape %s" % (path, key, shape)
            assert fortran == (len(shape) > 1), "%s: %s fortran_order %s" % (path, key, fortran)
    print("%s: %d entries as expected" % (path, len(want)))

path = os.path.join(directory, "ckpt.h5")
with h5py.File(path, "r") as h5:
    keys = []
    h5.visititems(lambda k, v: keys.append(k) if isinstance(v, h5py.Dataset) else None)
    assert sorted(keys) == sorted(want), "%s: datasets %s" % (path, sorted(keys))
    for key, value in want.items():
        got = h5[key][()]
        same(key, got, value, path)
print("%s: %d datasets as expected" % (path, len(want)))
for leftover in ("bad.npz", "bad.h5"):
    assert not os.path.exists(os.path.join(directory, leftover)), "a failed save left " + leftover
