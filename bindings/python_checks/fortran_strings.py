"""String arrays and bytes in the Fortran binding against NumPy (NPZ) and h5py (HDF5).

Usage: fortran_strings.py write npz|h5 FILE   writes the arrays of expected() (`<U n` as h5py
                                              variable-length UTF-8 strings in HDF5) and `f`, a
                                              float32 (for the dtype-mismatch test)
       fortran_strings.py check npz|h5 FILE   the binding wrote expected() back: checks each
                                              entry's dtype, shape and values
"""
import sys

import numpy as np


def expected():
    return {
        'u0': np.array('h\u00e9llo w\u00f6rld', '<U11'),
        'u1': np.array(['a', 'h\u00e9llo', '', '\u65e5\u672c\u8a9e\U0001F600'], '<U5'),
        'u2': np.array([['x', '\u03b2\u03b3', 'zzz'], ['', '\u00fc', 'ok']], '<U3'),
        's1': np.array([b'ab', b'xyz\x01', b''], 'S4'),
        's2': np.array([[b'p', b'qq'], [b'rrr', b'\xff']], 'S3'),
        'b': np.array(b'by\x00tes'),
        'padded_u': np.array(['ab', 'c'], '<U2'),
        'padded_s': np.array([b'ab', b'c'], 'S2'),
    }


def write(fmt, path):
    arrays = {k: v for k, v in expected().items() if not k.startswith('padded')}
    arrays['f'] = np.float32(1.5)
    # Fortran-ordered members too, which the binding copies without a transpose.
    arrays['u2'] = np.asfortranarray(arrays['u2'])
    if fmt == 'npz':
        np.savez(path, **arrays)
        return
    import h5py
    with h5py.File(path, 'w') as f:
        for k, v in arrays.items():
            if v.dtype.kind == 'U':
                f.create_dataset(k, data=v.astype(object), dtype=h5py.string_dtype())
            else:
                f.create_dataset(k, data=v)


def check(fmt, path):
    ok = True
    if fmt == 'npz':
        with np.load(path) as z:
            got = {k: z[k] for k in z.files}
    else:
        import h5py
        got = {}
        with h5py.File(path, 'r') as f:
            for k in f:
                d = f[k]
                if h5py.check_string_dtype(d.dtype) and d.dtype.kind == 'O':
                    enc = h5py.check_string_dtype(d.dtype).encoding
                    if enc != 'utf-8':
                        print(f'fortran_strings: {k}: HDF5 string encoding {enc}')
                        ok = False
                    v = d.asstr()[()]
                    # The width the writer declared, as NumPy had it.
                    width = d.attrs.get('chainerser_numpy_dtype')
                    if isinstance(width, bytes):
                        width = width.decode()
                    got[k] = np.array(v, dtype=width if width else None)
                else:
                    got[k] = d[()]
    for k, want in expected().items():
        if k not in got:
            print(f'fortran_strings: {k} missing')
            ok = False
            continue
        g = np.asarray(got[k])
        if g.dtype != want.dtype or g.shape != want.shape or not np.array_equal(g, want):
            print(f'fortran_strings: {k}: {g.dtype} {g.shape} {g!r} != {want.dtype} {want.shape} {want!r}')
            ok = False
    return ok


if __name__ == '__main__':
    mode, fmt, path = sys.argv[1:4]
    if mode == 'write':
        write(fmt, path)
    elif not check(fmt, path):
        sys.exit(1)
