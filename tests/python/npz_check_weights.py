"""Checks the trained-like float32 weights tests/api/npz_interop_test.cpp wrote, with numpy.load.

Usage: npz_check_weights.py FILE COUNT0 COUNT1 ...
Key wK holds COUNTK float32 values whose bits come from an integer hash (weight_bits() in the C++
test), recomputed here; the members must be deflated (method 8) and pass zipfile's CRC check.
"""
import sys
import zipfile

import numpy as np


def weight_bits(count, salt):
    i = np.arange(count, dtype=np.uint64)
    h = (i * np.uint64(2654435761) + np.uint64(salt)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(2246822519)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(13)
    bits = (h & np.uint64(0x80000000)) | ((np.uint64(117) + (h >> np.uint64(23)) % np.uint64(8)) << np.uint64(23)) \
        | (h & np.uint64(0x7FFFFF))
    return bits.astype(np.uint32)


path, counts = sys.argv[1], [int(c) for c in sys.argv[2:]]
failures = []
with zipfile.ZipFile(path) as zf:
    if zf.testzip() is not None:
        failures.append(f"bad CRC in {zf.testzip()}")
    for info in zf.infolist():
        if info.compress_type != zipfile.ZIP_DEFLATED:
            failures.append(f"{info.filename}: method {info.compress_type}, expected deflate")
        elif info.compress_size >= info.file_size:
            failures.append(f"{info.filename}: {info.compress_size} bytes deflated from {info.file_size}")
with np.load(path) as z:
    if sorted(z.files) != [f"w{k}" for k in range(len(counts))]:
        failures.append(f"keys {sorted(z.files)}")
    for k, count in enumerate(counts):
        a = z[f"w{k}"]
        if a.dtype != np.float32 or a.shape != (count,):
            failures.append(f"w{k}: {a.dtype}{a.shape}")
        elif not np.array_equal(a.view(np.uint32), weight_bits(count, k)):
            failures.append(f"w{k}: values differ")
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
