"""Scalars in the Fortran binding against NumPy (NPZ) and h5py (HDF5). Chainer saves a Python or
NumPy scalar as a 0-d array (numpy.asarray(value)): a Python int is `<i8`, a float `<f8`, a bool
`|b1`, a numpy.float32 `<f4`.

Usage: fortran_scalars.py write npz|h5 FILE   writes numpy_written(), for the binding to read
       fortran_scalars.py check npz|h5 FILE   the binding wrote fortran_written(): checks each
                                              entry's dtype, shape () and value exactly
"""
import sys

import numpy as np

from check_model import finish


def numpy_written():
    return {
        'py_int': np.asarray(1000),  # what Chainer saves for a Python int (Trainer's iteration)
        'py_float': np.asarray(0.1),
        'py_bool': np.asarray(True),
        'false': np.asarray(False),
        'np_int32': np.asarray(np.int32(-7)),
        'np_float32': np.asarray(np.float32(2.5)),
        'u8': np.asarray(np.uint8(200)),
        'big': np.asarray(2**40),  # fits int64, not int32
        'uint_big': np.asarray(np.uint64(2**63 + 5)),  # larger than any int64
        'one_element': np.array([-5], dtype='<i2'),  # one element is a scalar too (Chainer's rule)
        'one_element_f': np.array([[0.25]], dtype='<f4'),
        'c': np.asarray(1.5 - 2j),
        'c8': np.asarray(np.complex64(0.5 + 0.25j)),
        'vector': np.arange(3, dtype='<i8'),  # not a scalar
    }


def fortran_written():
    return {
        'py_int': np.asarray(1000),  # 1000_int64
        'py_float': np.asarray(0.1),  # 0.1_real64
        'py_bool': np.asarray(True),  # .true. (default logical)
        'c_bool': np.asarray(False),  # logical(.false., c_bool)
        'i8': np.asarray(np.int8(-3)),
        'i16': np.asarray(np.int16(300)),
        'i32': np.asarray(np.int32(-7)),
        'r32': np.asarray(np.float32(2.5)),
        'r32_third': np.asarray(np.float32(1) / np.float32(3)),  # 1.0_real32 / 3
        'c': np.asarray(1.5 - 2j),
        'c8': np.asarray(np.complex64(0.5 + 0.25j)),
    }


def write(fmt, path):
    arrays = numpy_written()
    if fmt == 'npz':
        np.savez(path, **arrays)
        return
    import h5py
    with h5py.File(path, 'w') as f:
        for k, v in arrays.items():
            f[k] = v


def load(fmt, path):
    if fmt == 'npz':
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    import h5py
    with h5py.File(path, 'r') as f:
        return {k: np.asarray(f[k][()]) for k in f.keys()}


def check(fmt, path):
    got, problems = load(fmt, path), []
    for k, want in fortran_written().items():
        g = got.get(k)
        if g is None:
            problems.append('%s: missing' % k)
        elif g.dtype.str != want.dtype.str or g.shape != () or g.tobytes() != want.tobytes():
            problems.append('%s: %s %s %r, expected %s () %r' % (k, g.dtype.str, g.shape, g, want.dtype.str, want))
        else:
            print('ok %-10s %s () %r' % (k, g.dtype.str, g[()]))
    finish(problems)


def main():
    command, fmt, path = sys.argv[1:]
    write(fmt, path) if command == 'write' else check(fmt, path)


if __name__ == '__main__':
    main()
