"""Writes HDF5 files with h5py the way users meet them, for the reader tests.
usage: h5_make.py variations|chunk_windows|lzf|unsupported|numpy_dtype_attributes <file>"""
import sys

import h5py
import numpy as np


def variations(f):
    f.create_dataset('filters/shuffle_gzip', data=np.arange(600, dtype='<f4').reshape(20, 30) / 7,
                     compression='gzip', compression_opts=6, shuffle=True)
    f.create_dataset('filters/fletcher32', data=np.arange(-25, 25, dtype='<i4'), fletcher32=True, chunks=(7,))
    f.create_dataset('filters/scaleoffset_int', data=np.arange(40, dtype='<i4') * 3, scaleoffset=0)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    f.create_dataset('layout/compact', data=np.linspace(-1, 1, 5), dcpl=dcpl)
    f.create_dataset('layout/odd_chunks', data=np.arange(100, dtype='<u2').reshape(10, 10), chunks=(3, 7),
                     compression='gzip', compression_opts=1)
    f.create_dataset('layout/unlimited', data=np.arange(5, dtype='<f4'), maxshape=(None,))
    f.create_dataset('layout/contiguous_big', data=np.arange(24, dtype='<i8').reshape(2, 3, 4))
    f.create_dataset('endian/f8', data=(np.arange(12) - 5.5).astype('>f8').reshape(4, 3), compression='gzip')
    f.create_dataset('endian/i2', data=np.array([1, -2, 300, -32768, 32767], dtype='>i2'))
    f.create_dataset('endian/c16', data=np.array([1 + 2j, -3.5 - 4j], dtype='>c16'))
    f.create_dataset('strings/fixed', data=np.array([b'ab', b'cde', b''], dtype='S4'))
    f.create_dataset('strings/fixed_scalar', data=np.array(b'hello', dtype='S5'))
    f.create_dataset('strings/vlen_scalar', data='h\u00e9llo w\u00f6rld \u2713', dtype=h5py.string_dtype())
    f.create_dataset('strings/vlen_array', data=np.array(['a', '\u03b2\u03b3', '', '\u65e5\u672c\u8a9e\U0001F600'],
                                                          dtype=object), dtype=h5py.string_dtype())
    f.create_dataset('strings/vlen_2d', data=np.array([['x', 'yy'], ['zzz', '']], dtype=object),
                     dtype=h5py.string_dtype(), compression='gzip')
    f.create_dataset('types/bool', data=np.array([True, False, True]))
    f.create_dataset('types/bool_scalar', data=np.bool_(True))
    f.create_dataset('types/c8', data=np.array([1 + 1j, 2 - 0.5j, -3j], dtype='<c8'))
    f.create_dataset('types/c16_scalar', data=np.complex128(0.25 - 8j))
    f.create_dataset('types/f16', data=np.array([0.5, -1, 65504, 1e-7, np.inf, -0.0], dtype='<f2'))
    f.create_dataset('types/u64', data=np.array([0, 2**64 - 1, 12345], dtype='<u8'))
    f.create_dataset('types/enum_color', data=np.array([0, 1, 1], dtype='i1'),
                     dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1}, basetype='i1'))
    f.create_dataset('none/f', data=h5py.Empty('f'))
    f.create_dataset('none/i8', data=h5py.Empty('<i8'))
    f.create_dataset('zero/size', data=np.zeros((0, 4), dtype='<f4'))
    f.create_dataset('nested/a/b/c/deep', data=np.int64(42))
    f.create_group('empty_group/inner')


def chunk_windows(f):
    """Deflate-only datasets, which our own chunk reader serves: partial edge chunks, chunks never
    written (fill value), a chunk stored with its filter skipped, a chunk larger than its dataset,
    and a dataset of many read batches."""
    rng = np.random.default_rng(7)
    f.create_dataset('conv/W', data=rng.standard_normal((64, 32, 3, 3), dtype='<f4'), compression='gzip',
                     compression_opts=4)
    f.create_dataset('odd/i2', data=rng.integers(-30000, 30000, (11, 13, 7), dtype='<i2'), chunks=(3, 5, 2),
                     compression='gzip')
    f.create_dataset('odd/c16', data=(rng.standard_normal((9, 10)) + 1j * rng.standard_normal((9, 10))).astype('<c16'),
                     chunks=(4, 4), compression='gzip')
    sparse = f.create_dataset('sparse/f8', shape=(20, 30), dtype='<f8', chunks=(6, 7), compression='gzip',
                              fillvalue=-2.5)
    sparse[3:9, 10:25] = rng.standard_normal((6, 15))
    sparse[18:, :] = 1.0
    f.create_dataset('unlimited/i4', data=np.arange(10, dtype='<i4'), maxshape=(None,), chunks=(64,),
                     compression='gzip', fillvalue=9)
    raw = f.create_dataset('raw_chunk/u1', data=np.arange(64, dtype='u1').reshape(8, 8), chunks=(4, 4),
                           compression='gzip')
    raw.id.write_direct_chunk((4, 0), (np.arange(16, dtype='u1') + 200).tobytes(), filter_mask=1)
    f.create_dataset('big/f4', data=rng.standard_normal((700, 1000), dtype='<f4'), chunks=(50, 64),
                     compression='gzip', compression_opts=1)


def lzf(f):
    f.create_dataset('plain', data=np.arange(10, dtype='<f4'))
    f.create_dataset('packed/lzf', data=np.arange(100, dtype='<f4'), compression='lzf')


def unsupported(f):
    f.create_dataset('plain', data=np.arange(3, dtype='<i4'))
    f.create_dataset('compound', data=np.zeros(2, dtype=[('a', '<i4'), ('b', '<f8')]))
    f.create_dataset('vlen_ints', data=np.array([np.arange(2), np.arange(3)], dtype=object),
                     dtype=h5py.vlen_dtype(np.dtype('<i4')))
    h5py.h5d.create(f.id, b'array_type', h5py.h5t.array_create(h5py.h5t.IEEE_F32LE, (3,)), h5py.h5s.create_simple((2,)))
    f.create_dataset('long_double', data=np.zeros(3, dtype=np.longdouble))


def numpy_dtype_attributes(f):
    """Our attribute on string datasets as another writer may leave it: valid as h5py's own str
    attribute, or naming no '<U n', or narrower than the strings."""
    strings = np.array(['ab', '\u03b2'], dtype=object)
    f.create_dataset('vlen_attribute', data=strings, dtype=h5py.string_dtype()).attrs['chainerser_numpy_dtype'] = '>U9'
    f.create_dataset('not_str', data=strings, dtype=h5py.string_dtype()).attrs['chainerser_numpy_dtype'] = '<f4'
    f.create_dataset('too_narrow', data=strings, dtype=h5py.string_dtype()).attrs['chainerser_numpy_dtype'] = np.bytes_(b'<U1')
    f.create_dataset('not_a_string', data=strings, dtype=h5py.string_dtype()).attrs['chainerser_numpy_dtype'] = 7
    f.create_dataset('fixed_too_long', data=np.array([b'abcdefghi'], dtype='S9')).attrs['chainerser_numpy_dtype'] = '<U2'


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with h5py.File(path, 'w') as f:
        {'variations': variations, 'chunk_windows': chunk_windows, 'lzf': lzf, 'unsupported': unsupported,
         'numpy_dtype_attributes': numpy_dtype_attributes}[kind](f)


main()
