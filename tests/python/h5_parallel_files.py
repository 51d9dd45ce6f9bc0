"""Files and checks for the chunk-by-chunk HDF5 paths (tests/api/hdf5_parallel_test.cpp), by the
real numpy and h5py.

  h5_parallel_files.py arrays DIR        DIR/arrays.npz (np.savez) and DIR/h5py.h5, the same arrays
                                         written by h5py in Chainer's layout (compression=4)
  h5_parallel_files.py check OURS REF    every dataset of REF is in OURS with the same dtype, shape,
                                         values, chunks and filter pipeline (deflate alone, cd_values
                                         [4]), and each of OURS's chunks has filter mask 0 and
                                         inflates to exactly the bytes of REF's chunk (edge padding)
  h5_parallel_files.py written DIR       h5py-written files for the reader: gzip levels, odd chunk
                                         shapes, unallocated chunks, fill values, other filters
  h5_parallel_files.py corrupt SRC DST KEY   DST = SRC with KEY's first chunk damaged in the middle
  h5_parallel_files.py userblock DIR     DIR/userblock.h5: gzip datasets after a userblock of 512
                                         bytes of text (HDF5's addresses start after it)
  h5_parallel_files.py past_eof DIR      DIR/past_eof.h5 (v1 B-tree chunk index, no checksums), whose
                                         index puts big's chunk (0, 0) far past the end of the file and
                                         small's only chunk across it
"""
import os
import shutil
import sys
import zlib

import h5py
import numpy as np

# Shapes whose h5py chunk guess leaves partial chunks at the edges, in 1-4 dimensions.
SHAPES = [(100003,), (301, 257), (37, 65, 29), (64, 61, 3, 3)]
DTYPES = ['<f2', '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8', '|b1', '<c8', '<c16',
          '>f4', '>f8', '>i2', '>i8', '>c8', '>u4']


def values(rng, dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind == 'b':
        a = rng.random(shape) < 0.3
    elif dt.kind in 'iu':
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, size=shape, dtype=dt.newbyteorder('='), endpoint=True)
        a[..., ::3] = 0  # some runs, as in real checkpoints
    elif dt.kind == 'f':
        a = np.round(rng.normal(0, 0.02, size=shape), 3)
    else:
        a = rng.normal(0, 1, size=shape) + 1j * rng.normal(0, 1, size=shape)
    return np.asarray(a).astype(dt)


def arrays(out_dir):
    rng = np.random.default_rng(20240506)
    data = {}
    for dtype in DTYPES:
        for shape in SHAPES:
            if np.dtype(dtype).itemsize * int(np.prod(shape)) > 1 << 20:
                shape = shape[:-1] + (max(1, shape[-1] // 4),)
            name = '%s_%dd' % (dtype.replace('<', 'le_').replace('>', 'be_').replace('|', ''), len(shape))
            data[name] = values(rng, dtype, shape)
    data['zeros_2d'] = np.zeros((513, 129), '<f4')  # all chunks compress to almost nothing
    # Several MiB: many batches of chunks, so two threads share the work.
    data['big_2d'] = values(rng, '<f4', (1500, 1001))
    data['big_be_3d'] = values(rng, '>f8', (60, 101, 103))
    np.savez(os.path.join(out_dir, 'arrays.npz'), **data)
    with h5py.File(os.path.join(out_dir, 'h5py.h5'), 'w') as f:
        for name, a in data.items():
            f.create_dataset(name, data=a, compression=4)


def chunk_offsets(ds):
    grid = [range(0, n, c) for n, c in zip(ds.shape, ds.chunks)]
    offsets = [()]
    for axis in grid:
        offsets = [o + (x,) for o in offsets for x in axis]
    return offsets


def pipeline(ds):
    dcpl = ds.id.get_create_plist()
    return [dcpl.get_filter(k)[:3] for k in range(dcpl.get_nfilters())]


def check(ours_path, ref_path):
    problems = []
    n = 0
    with h5py.File(ours_path, 'r') as ours, h5py.File(ref_path, 'r') as ref:
        for name in ref:
            r, o = ref[name], ours[name]
            n += 1
            if (o.dtype, o.shape) != (r.dtype, r.shape):
                problems.append('%s: %s %s, h5py %s %s' % (name, o.dtype, o.shape, r.dtype, r.shape))
                continue
            if not np.array_equal(o[()], r[()]):
                problems.append('%s: values differ' % name)
            if o.chunks != r.chunks or pipeline(o) != pipeline(r) or pipeline(o)[0][0] != 1 or \
                    pipeline(o)[0][2] != (4,) or len(pipeline(o)) != 1:
                problems.append('%s: chunks %s filters %s, h5py %s %s' % (name, o.chunks, pipeline(o), r.chunks,
                                                                          pipeline(r)))
                continue
            if (o.compression, o.compression_opts, o.shuffle, o.fletcher32, o.fillvalue) != \
                    (r.compression, r.compression_opts, r.shuffle, r.fletcher32, r.fillvalue):
                problems.append('%s: dataset properties differ' % name)
            chunk_bytes = int(np.prod(r.chunks)) * r.dtype.itemsize
            for off in chunk_offsets(r):
                mask, data = o.id.read_direct_chunk(off)
                ref_mask, ref_data = r.id.read_direct_chunk(off)
                raw = zlib.decompress(data)
                if mask != 0 or len(raw) != chunk_bytes or raw != zlib.decompress(ref_data):
                    problems.append('%s: chunk %s: mask %d, %d bytes, differs from h5py\'s' % (name, off, mask,
                                                                                           len(raw)))
                    break
    if problems:
        sys.exit('\n'.join(problems))
    print('ok %d datasets' % n)


def written(out_dir):
    rng = np.random.default_rng(7)
    # libver latest gives the resizable dataset an extensible-array chunk index.
    with h5py.File(os.path.join(out_dir, 'written.h5'), 'w', libver='latest') as f:
        for level in (1, 4, 9):
            f.create_dataset('level%d/odd' % level, data=values(rng, '<f4', (100, 50)), chunks=(7, 13),
                             compression='gzip', compression_opts=level)
        f.create_dataset('odd1d', data=values(rng, '<i8', (23,)), chunks=(5,), compression='gzip')
        f.create_dataset('odd3d', data=values(rng, '<f8', (10, 11, 12)), chunks=(3, 5, 7), compression='gzip')
        f.create_dataset('guessed', data=values(rng, '<f4', (301, 257)), compression='gzip')
        f.create_dataset('big', data=values(rng, '<f8', (700, 900)), chunks=(50, 64), compression='gzip')
        big_sparse = f.create_dataset('big_sparse', shape=(1000, 1000), chunks=(100, 30), dtype='<f8',
                                      compression='gzip', compression_opts=6, fillvalue=-1.25)
        big_sparse[::3, 100:700] = values(rng, '<f8', (334, 600))
        f.create_dataset('bool', data=values(rng, '|b1', (97, 31)), chunks=(10, 10), compression='gzip')
        f.create_dataset('complex_be', data=values(rng, '>c16', (33, 17)), chunks=(8, 8), compression='gzip')
        f.create_dataset('int_be', data=values(rng, '>i4', (1001,)), chunks=(64,), compression='gzip')
        sparse = f.create_dataset('sparse', shape=(100, 100), chunks=(16, 16), dtype='<f4', compression='gzip')
        sparse[3:20, 30:50] = values(rng, '<f4', (17, 20))
        sparse[90:, 95:] = 1.5
        filled = f.create_dataset('filled', shape=(50, 40), chunks=(8, 8), dtype='<i4', compression='gzip',
                                  fillvalue=-7)
        filled[10:18, 0:20] = 3
        f.create_dataset('never_written', shape=(30, 30), chunks=(8, 8), dtype='<f8', compression='gzip',
                         fillvalue=2.5)
        grow = f.create_dataset('resizable', data=values(rng, '<f4', (40, 9)), chunks=(6, 4), maxshape=(None, 9),
                                compression='gzip')
        grow.resize((45, 9))
        grow[40:] = 9.0
        # Not deflate alone: read through H5Dread.
        f.create_dataset('shuffled', data=values(rng, '<f4', (60, 70)), chunks=(16, 16), compression='gzip',
                         shuffle=True)
        f.create_dataset('fletcher', data=values(rng, '<i2', (60, 70)), chunks=(16, 16), compression='gzip',
                         fletcher32=True)
        f.create_dataset('plain_chunked', data=values(rng, '<f4', (60, 70)), chunks=(16, 16))
    print('ok')


def corrupt(src, dst, key):
    shutil.copyfile(src, dst)
    with h5py.File(src, 'r') as f:
        ds = f[key]
        info = ds.id.get_chunk_info_by_coord((0,) * len(ds.shape))
    with open(dst, 'r+b') as out:
        out.seek(info.byte_offset + info.size // 2)
        middle = out.read(8)
        out.seek(info.byte_offset + info.size // 2)
        out.write(bytes(b ^ 0x5A for b in middle))
    print('ok')


def userblock(out_dir):
    rng = np.random.default_rng(11)
    path = os.path.join(out_dir, 'userblock.h5')
    with h5py.File(path, 'w', userblock_size=512) as f:
        f.create_dataset('big', data=values(rng, '<f4', (1500, 1001)), compression='gzip')
        f.create_dataset('odd3d', data=values(rng, '<f8', (10, 11, 12)), chunks=(3, 5, 7), compression='gzip')
        sparse = f.create_dataset('sparse', shape=(100, 100), chunks=(16, 16), dtype='<f4', compression='gzip',
                                  fillvalue=0.5)
        sparse[3:20, 30:50] = values(rng, '<f4', (17, 20))
    with open(path, 'r+b') as out:
        out.write(b'a userblock of text, as a tool that prepends a header to its HDF5 files writes\n' * 6)
    print('ok')


def move_chunk(data, old, new):
    """Rewrites the one occurrence of the 8-byte address `old` in the file's bytes to `new`."""
    key = old.to_bytes(8, 'little')
    at = data.find(key)
    if at < 0 or data.find(key, at + 1) >= 0:
        sys.exit('the address %d is not in the chunk index exactly once' % old)
    data[at:at + 8] = new.to_bytes(8, 'little')


def past_eof(out_dir):
    rng = np.random.default_rng(12)
    path = os.path.join(out_dir, 'past_eof.h5')
    with h5py.File(path, 'w', libver='earliest') as f:
        f.create_dataset('big', data=values(rng, '<f8', (700, 900)), chunks=(50, 64), compression='gzip')
        f.create_dataset('small', data=values(rng, '<f8', (20, 30)), chunks=(20, 30), compression='gzip')
        f.create_dataset('fine', data=values(rng, '<i8', (23,)), chunks=(5,), compression='gzip')
    with h5py.File(path, 'r') as f:
        big = f['big'].id.get_chunk_info_by_coord((0, 0))
        small = f['small'].id.get_chunk_info_by_coord((0, 0))
    data = bytearray(open(path, 'rb').read())
    move_chunk(data, big.byte_offset, len(data) + (1 << 40))
    move_chunk(data, small.byte_offset, len(data) - small.size // 2)
    with open(path, 'wb') as out:
        out.write(data)
    print('ok')


def main():
    cmd = sys.argv[1]
    if cmd == 'arrays':
        arrays(sys.argv[2])
    elif cmd == 'check':
        check(sys.argv[2], sys.argv[3])
    elif cmd == 'written':
        written(sys.argv[2])
    elif cmd == 'corrupt':
        corrupt(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == 'userblock':
        userblock(sys.argv[2])
    elif cmd == 'past_eof':
        past_eof(sys.argv[2])
    else:
        sys.exit('unknown command ' + cmd)


main()
