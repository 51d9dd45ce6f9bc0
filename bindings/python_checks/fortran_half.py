"""float16 in the Fortran binding (integer(int16) bits) against NumPy's conversions.

Usage: fortran_half.py write npz|h5 FILE   writes `halves`, every float16 (bits 0 to 65535, as
                                           float16), and `sweep`, float32 values: a stride
                                           through all bit patterns plus every float16 rounding
                                           boundary (the midpoint of two neighbours) and the
                                           float32 values on either side of it
       fortran_half.py check npz|h5 FILE   the binding wrote back `halves` (float16, unchanged),
                                           `half_as_f32` (ser_half_to_real32 of halves) and
                                           `sweep_as_half` (ser_real32_to_half of sweep, float16):
                                           each must equal NumPy's astype bit for bit (NaN:
                                           NaN of the same sign)
"""
import sys

import numpy as np


def halves():
    return np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)


def sweep():
    stride = np.arange(0, 2**32, 4093, dtype=np.uint64).astype(np.uint32).view(np.float32)
    h = np.arange(0x7BFF, dtype=np.uint16)
    lo = h.view(np.float16).astype(np.float64)
    hi = (h + 1).view(np.float16).astype(np.float64)
    mid = ((lo + hi) / 2).astype(np.float32)
    near = [mid, np.nextafter(mid, np.float32(np.inf)), np.nextafter(mid, np.float32(-np.inf))]
    edges = np.array([65504, 65519.996, 65520, np.inf, np.nan, 2.0**-24, 2.0**-25, 2.0**-26], np.float32)
    s = np.concatenate([stride] + near + [edges])
    return np.concatenate([s, -s])


def same_bits(got, want, what):
    if got.dtype != want.dtype or got.shape != want.shape:
        print(f"fortran_half: {what}: {got.dtype} {got.shape} != {want.dtype} {want.shape}")
        return False
    uint = np.uint16 if want.dtype == np.float16 else np.uint32
    nan = np.isnan(want)
    bad = (got.view(uint) != want.view(uint)) & ~nan
    bad |= nan & ~(np.isnan(got) & (np.signbit(got) == np.signbit(want)))
    for i in np.flatnonzero(bad)[:10]:
        print(f"fortran_half: {what}[{i}]: {got.view(uint)[i]:#x} != {want.view(uint)[i]:#x}")
    return not bad.any()


def read(fmt, path):
    if fmt == "npz":
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    import h5py
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f}


def main(mode, fmt, path):
    if mode == "write":
        arrays = {"halves": halves(), "sweep": sweep()}
        if fmt == "npz":
            np.savez(path, **arrays)
        else:
            import h5py
            with h5py.File(path, "w") as f:
                for k, a in arrays.items():
                    f[k] = a
        return 0
    got = read(fmt, path)
    with np.errstate(over="ignore", invalid="ignore"):
        want = {"halves": halves(), "half_as_f32": halves().astype(np.float32),
                "sweep_as_half": sweep().astype(np.float16)}
    ok = [k in got and same_bits(got[k], a, k) for k, a in want.items()]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
