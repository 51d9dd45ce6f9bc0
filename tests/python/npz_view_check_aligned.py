"""The aligned file is an ordinary .npz: numpy reads every member with the values written
(key k holds k + i / 8 for i < 3k + 1), and every member's data starts on a 64-byte offset."""
import sys
import zipfile

import numpy as np

path = sys.argv[1]
with np.load(path) as z:
    assert len(z.files) == 40, z.files
    for key in z.files:
        k = int(key.lstrip("k"))
        expect = np.float32(k) + np.arange(3 * k + 1, dtype=np.float32) / 8
        assert np.array_equal(z[key], expect), key
with open(path, "rb") as f, zipfile.ZipFile(path) as zf:
    raw = f.read()
    for info in zf.infolist():
        o = info.header_offset
        start = o + 30 + int.from_bytes(raw[o + 26:o + 28], "little") + int.from_bytes(raw[o + 28:o + 30], "little")
        data = start + 10 + int.from_bytes(raw[start + 8:start + 10], "little")
        assert data % 64 == 0, (info.filename, data)
print("aligned npz OK")
