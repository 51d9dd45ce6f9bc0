"""Writes DIR/huge.npz with numpy.savez_compressed: members over the 64 MiB that the library
inflates whole from a copy, so it maps them. w: 72 MiB of float32 normals (its stored bytes
exceed the 32 MiB that inflate_split may write to, so pages are handed back while it inflates);
b: 66 MiB of big-endian float64 (converted on read); f: a Fortran-ordered 68 MiB int32 array.
Their little-endian C-order bytes go to DIR/<key>.raw."""
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(13)
arrays = {
    "w": rng.standard_normal(18 << 20, dtype=np.float32),
    "b": (np.arange(66 << 17, dtype=np.float64) * 0.125 - 3).astype(">f8"),
    "f": np.asfortranarray(np.arange(17 << 20, dtype=np.int32).reshape(4096, -1) % 1000),
}
np.savez_compressed(out + "/huge.npz", **arrays)
for key, a in arrays.items():
    np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tofile(out + "/" + key + ".raw")
