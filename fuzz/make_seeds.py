#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the test fixtures (and the fuzz regressions):
   fuzz_npz_read   every .npz fixture, and the members deflated in pieces with piece indexes and piece
                   CRC-32s (true and lying) of tests/python/npz_piece_index.py
   fuzz_h5_read    every .h5 fixture
   fuzz_npy_header the header (plus a few data bytes) of every member of every .npz
   fuzz_none_pickle the payload of every object member, and numpy's None pickles, protocols 2-5
   fuzz_deflate_encoders the first 64 KiB of the data, and the first 512 bytes, of every member of every .npz
   fuzz_inflate_split the first 4 KiB of every member's data (to be tiled and deflated), and a raw
                   deflate stream of every member's first 256 KiB (zlib level 6)
Usage: make_seeds.py OUT_DIR DATA_DIR [DATA_DIR...]"""
import hashlib
import io
import pathlib
import pickle
import subprocess
import sys
import tempfile
import zipfile
import zlib


def put(out, target, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def npy_parts(member):
    """(header including preamble, data) of a .npy member, or None if it is not one."""
    if len(member) < 10 or member[:6] != b"\x93NUMPY":
        return None
    width = 2 if member[6] == 1 else 4
    length = int.from_bytes(member[8:8 + width], "little")
    end = 8 + width + length
    return member[:end], member[end:]


def main():
    out = pathlib.Path(sys.argv[1])
    for data_dir in map(pathlib.Path, sys.argv[2:]):
        for path in sorted(data_dir.glob("*.npz")):
            raw = path.read_bytes()
            put(out, "fuzz_npz_read", raw)
            try:
                members = [z.read(n) for z in [zipfile.ZipFile(io.BytesIO(raw))] for n in z.namelist()]
            except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
                continue  # a regression input need not be a readable zip
            for member in members:
                parts = npy_parts(member)
                if parts is None:
                    continue
                header, data = parts
                put(out, "fuzz_npy_header", header + data[:16])
                put(out, "fuzz_deflate_encoders", data[:65536])
                put(out, "fuzz_deflate_encoders", member[:512])
                put(out, "fuzz_inflate_split", b"\x00\x06\x80" + data[:4096])
                raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
                put(out, "fuzz_inflate_split",
                    b"\x01\x00\x80" + raw_deflate.compress(member[:262144]) + raw_deflate.flush())
                if b"'|O'" in header:
                    put(out, "fuzz_none_pickle", data)
        for path in sorted(data_dir.glob("*.h5")):
            put(out, "fuzz_h5_read", path.read_bytes())
    # Piece indexes with piece CRC-32s (block reads inflate single pieces): needs numpy.
    script = pathlib.Path(__file__).resolve().parent.parent / "tests" / "python" / "npz_piece_index.py"
    with tempfile.TemporaryDirectory() as tmp:
        seed = pathlib.Path(tmp) / "pieces.npz"
        if subprocess.run([sys.executable, str(script), str(seed)], capture_output=True).returncode == 0:
            put(out, "fuzz_npz_read", seed.read_bytes())
    try:
        import numpy
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            put(out, "fuzz_none_pickle", pickle.dumps(numpy.asarray(None), protocol=protocol))
    except ImportError:
        pass
    for target in sorted(p.name for p in out.iterdir()):
        print(f"{target}: {len(list((out / target).iterdir()))} seeds")


if __name__ == "__main__":
    main()
