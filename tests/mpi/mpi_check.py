"""Checks what mpi_tests wrote in DIR: every NAME.mpi.EXT against NAME.serial.EXT (the serial
writer's file for the same data) with NumPy and h5py. NPZ: the same keys, dtypes, shapes and
values, every CRC-32 right, and every stored member byte for byte what the serial writer (and so
numpy.savez) writes; HDF5: the same groups and datasets, dtypes, shapes, values, chunk shapes and
gzip levels, and every stored chunk byte for byte the serial writer's (both deflate with libdeflate).

usage: mpi_check.py DIR"""
import glob
import os
import struct
import sys
import zipfile
import zlib

import h5py
import numpy

problems = []


def member_bytes(path):
    """Each member's local header and data, by name."""
    out = {}
    with open(path, "rb") as raw, zipfile.ZipFile(path) as z:
        for info in z.infolist():
            raw.seek(info.header_offset)
            head = raw.read(30)
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            raw.seek(info.header_offset)
            out[info.filename] = raw.read(30 + name_len + extra_len + info.compress_size)
    return out


def same_value(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == object:
        return all(x == y for x, y in zip(a.ravel(), b.ravel()))
    return numpy.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


def check_npz(mpi, serial):
    with zipfile.ZipFile(mpi) as z:
        bad = z.testzip()
        if bad:
            problems.append("%s: member %s fails its CRC-32" % (mpi, bad))
    a, b = numpy.load(mpi, allow_pickle=True), numpy.load(serial, allow_pickle=True)
    if sorted(a.files) != sorted(b.files):
        problems.append("%s: keys %s, the serial writer's %s" % (mpi, sorted(a.files), sorted(b.files)))
        return
    for k in b.files:
        if not same_value(a[k], b[k]):
            problems.append("%s: key %s differs: %r vs %r" % (mpi, k, a[k], b[k]))
    if ".stored." in mpi:
        ours, theirs = member_bytes(mpi), member_bytes(serial)
        for name, data in theirs.items():
            if ours.get(name) != data:
                problems.append("%s: stored member %s is not byte-identical to the serial writer's" % (mpi, name))


def h5_objects(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    return out


def check_h5(mpi, serial):
    with h5py.File(mpi, "r") as fa, h5py.File(serial, "r") as fb:
        a, b = h5_objects(fa), h5_objects(fb)
        if sorted(a) != sorted(b):
            problems.append("%s: objects %s, the serial writer's %s" % (mpi, sorted(a), sorted(b)))
            return
        for name, ob in b.items():
            oa = a[name]
            if isinstance(ob, h5py.Group) != isinstance(oa, h5py.Group):
                problems.append("%s: %s is a group in one file only" % (mpi, name))
                continue
            if isinstance(ob, h5py.Group):
                continue
            for attr in ("dtype", "shape", "chunks", "compression", "compression_opts"):
                if getattr(oa, attr) != getattr(ob, attr):
                    problems.append("%s: %s %s %r, serial %r" % (mpi, name, attr, getattr(oa, attr), getattr(ob, attr)))
            if dict(oa.attrs) != dict(ob.attrs):  # chainerser_numpy_dtype on str datasets
                problems.append("%s: %s attributes %r, serial %r" % (mpi, name, dict(oa.attrs), dict(ob.attrs)))
            if ob.shape is not None and not same_value(numpy.asarray(oa[()]), numpy.asarray(ob[()])):
                problems.append("%s: %s values differ" % (mpi, name))
            if ob.chunks is not None and oa.chunks == ob.chunks and stored_chunks(oa) != stored_chunks(ob):
                problems.append("%s: %s stored chunks differ from the serial writer's" % (mpi, name))


def stored_chunks(dataset):
    """Every allocated chunk's offset, filter mask and stored bytes."""
    dsid = dataset.id
    out = {}
    for i in range(dsid.get_num_chunks()):
        offset = dsid.get_chunk_info(i).chunk_offset
        out[offset] = dsid.read_direct_chunk(offset)
    return out


def local_values(n, rank):
    """What MpiMemory's rank `rank` put under each of its keys (mpi_test.cpp's local_value)."""
    with numpy.errstate(over="ignore"):
        x = (numpy.arange(n, dtype=numpy.uint64) + numpy.uint64(1) + numpy.uint64(rank << 40)) * numpy.uint64(0x9E3779B97F4A7C15)
        x ^= x >> numpy.uint64(31)
        x *= numpy.uint64(0xBF58476D1CE4E5B9)
        return x ^ (x >> numpy.uint64(29))


def extra_fields(extra):
    out = {}
    while len(extra) >= 4:
        tp, ln = struct.unpack("<HH", extra[:4])
        out[tp] = extra[4:4 + ln]
        extra = extra[4 + ln:]
    return out


def check_piece_crcs(path, name, least):
    """Member `name` has at least `least` pieces, and piece CRC-32s (0x6363, version 1) that match them."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
        member = z.read(name)  # checks the member's CRC-32
    fields = extra_fields(info.extra)
    index, crcs = fields.get(0x6370, b""), fields.get(0x6363, b"")
    ends = [struct.unpack("<Q", index[i:i + 8])[0] for i in range(0, len(index), 16)]
    bounds = [0] + ends + [len(member)]
    if not crcs or crcs[0] != 1 or len(crcs) != 1 + 4 * (len(bounds) - 1) or len(bounds) - 1 < least:
        problems.append("%s: %s: no piece CRC-32s for its %d pieces" % (path, name, len(bounds) - 1))
        return
    for p in range(len(bounds) - 1):
        if struct.unpack("<I", crcs[1 + 4 * p:5 + 4 * p])[0] != zlib.crc32(member[bounds[p]:bounds[p + 1]]):
            problems.append("%s: %s: piece %d has a wrong CRC-32" % (path, name, p))


def check_rss_files(directory):
    """MpiMemory's files (on 2 and 4 ranks): 20 members of 512 Ki uint64 per rank, and 'shard'."""
    found = 0
    for path in sorted(glob.glob(os.path.join(directory, "rss_local.*"))):
        found += 1
        if path.endswith(".h5"):
            with h5py.File(path, "r") as f:
                ranks = sorted(f.keys())
                for g in ranks:
                    expected = local_values(1 << 19, int(g[1:]))
                    for k in range(20):
                        if not numpy.array_equal(f[g]["m%d" % k][()], expected):
                            problems.append("%s: %s/m%d differs" % (path, g, k))
            continue
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            if bad:
                problems.append("%s: member %s fails its CRC-32" % (path, bad))
        with numpy.load(path) as a:
            ranks = sorted({k.split("/")[0] for k in a.files})
            if len(a.files) != 20 * len(ranks) or len(ranks) < 2:
                problems.append("%s: keys %s" % (path, sorted(a.files)))
            for k in a.files:
                if not numpy.array_equal(a[k], local_values(1 << 19, int(k.split("/")[0][1:]))):
                    problems.append("%s: key %s differs" % (path, k))
    big_values = lambda rank: ((numpy.arange(2048 * 2048) + rank) % 1000 * 0.25).astype(numpy.float32).reshape(2048, 2048)
    big = os.path.join(directory, "rss_local_big.h5")
    if os.path.exists(big):
        found += 1
        with h5py.File(big, "r") as f:
            for g in f.keys():
                d = f[g]
                if d.compression != "gzip" or not numpy.array_equal(d[()], big_values(int(g[1:]))):
                    problems.append("%s: %s differs (compression %r)" % (big, g, d.compression))
    big = os.path.join(directory, "rss_local_big.npz")
    if os.path.exists(big):
        found += 1
        with numpy.load(big) as a:
            for k in a.files:
                check_piece_crcs(big, k + ".npy", 2)
                if not numpy.array_equal(a[k], big_values(int(k[1:]))):
                    problems.append("%s: %s differs" % (big, k))
    shard = os.path.join(directory, "rss_shard.npz")
    if os.path.exists(shard):
        found += 1
        check_piece_crcs(shard, "shard.npy", 2)
        with numpy.load(shard) as a:
            s = a["shard"]
            if not numpy.array_equal(s.ravel(), numpy.arange(s.size, dtype=numpy.float64) * 0.5 - 7.0):
                problems.append("%s: shard differs" % shard)
    return found


directory = sys.argv[1]
checked = check_rss_files(directory)
for mpi in sorted(glob.glob(os.path.join(directory, "*.mpi.*"))):
    serial = mpi.replace(".mpi.", ".serial.")
    if not os.path.exists(serial):
        problems.append("%s: no serial file to compare with" % mpi)
        continue
    (check_h5 if mpi.endswith(".h5") else check_npz)(mpi, serial)
    checked += 1
if checked == 0:
    problems.append("no files written in %s" % directory)
leftovers = glob.glob(os.path.join(directory, ".*ser-tmp-*"))
if leftovers:
    problems.append("temporary files left: %s" % leftovers)
if problems:
    sys.exit("\n".join(problems))
print("%d files agree with the serial writer's" % checked)
