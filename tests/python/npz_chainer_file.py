"""The file of Chainer's NpzDeserializer tests (chainer-test-checklist.md), written by NumPy.

Usage: npz_chainer_file.py OUT_DIR. Writes OUT_DIR/savez.npz and OUT_DIR/savez_compressed.npz
with x/ = None, y = float32 (2,3), yy = float32 (2,3), z = 0-d int 10, zf32 = 0-d float32 -2^60,
zi64 = 0-d int64 -2^60, w = None, p/yy = float32 (2,3); prints 'y <hex of y's float32 bytes>' and
'y16 <hex of y.astype(float16)>'.
"""
import os
import sys

import numpy as np

out_dir = sys.argv[1]
rng = np.random.default_rng(3)
y = rng.uniform(-70000, 70000, (2, 3)).astype(np.float32)  # some overflow float16, some round
y[0, 0] = 1.00048828125  # a float16 rounding tie
arrays = {
    "x/": np.asarray(None), "y": y, "yy": rng.normal(size=(2, 3)).astype(np.float32), "z": np.asarray(10),
    "zf32": np.array(-2 ** 60, dtype=np.float32), "zi64": np.array(-2 ** 60, dtype=np.int64), "w": np.asarray(None),
    "p/yy": rng.normal(size=(2, 3)).astype(np.float32),
}
np.savez(os.path.join(out_dir, "savez.npz"), **arrays)
np.savez_compressed(os.path.join(out_dir, "savez_compressed.npz"), **arrays)
with np.errstate(all="ignore"):
    print("y", y.tobytes().hex())
    print("y16", y.astype(np.float16).tobytes().hex())
