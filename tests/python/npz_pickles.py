"""Pickles for the None-pickle recogniser, written to OUT_DIR/<name>.pkl.

Usage: npz_pickles.py DATA_DIR OUT_DIR. Prints the names written.
  accept_numpy1_fixture: numpy 1.24's bytes inside tests/data/uninit.uncompressed.npz lazy/W.npy (offset 128)
  accept_p2, accept_p3, accept_p4, accept_p5: pickle.dumps(numpy.asarray(None), protocol=P)
  accept_core_p2, accept_core_p4: the same naming numpy._core.multiarray (numpy 2.x), byte-edited
  reject_*: things that are not Chainer's None
"""
import os
import pickle
import pickletools
import sys
import zipfile

import numpy as np

data_dir, out_dir = sys.argv[1:3]
out = {}

with zipfile.ZipFile(os.path.join(data_dir, "uninit.uncompressed.npz")) as z:
    out["accept_numpy1_fixture"] = z.read("lazy/W.npy")[128:]

none = np.asarray(None)
for p in (2, 3, 4, 5):
    out[f"accept_p{p}"] = pickle.dumps(none, protocol=p)


def rename_core(data):
    """numpy.core.multiarray -> numpy._core.multiarray, keeping the pickle well formed."""
    old, new = b"numpy.core.multiarray", b"numpy._core.multiarray"
    if data[1] >= 4:  # SHORT_BINUNICODE with a length byte, inside a FRAME whose length grows
        data = data.replace(b"\x8c" + bytes([len(old)]) + old, b"\x8c" + bytes([len(new)]) + new)
        assert data[2] == 0x95
        frame = int.from_bytes(data[3:11], "little") + len(new) - len(old)
        data = data[:3] + frame.to_bytes(8, "little") + data[11:]
    else:  # GLOBAL: newline-terminated text
        data = data.replace(b"c" + old + b"\n", b"c" + new + b"\n")
    assert new in data
    pickletools.dis(data, out=open(os.devnull, "w"))  # still a valid pickle
    return data


out["accept_core_p2"] = rename_core(out["accept_p2"])
out["accept_core_p4"] = rename_core(out["accept_p4"])

for p in (2, 4):
    out[f"reject_list_p{p}"] = pickle.dumps(np.array(["ab", None], dtype=object), protocol=p)
    out[f"reject_1d_none_p{p}"] = pickle.dumps(np.array([None], dtype=object), protocol=p)
    out[f"reject_2d_none_p{p}"] = pickle.dumps(np.array([[None]], dtype=object), protocol=p)
    out[f"reject_int_p{p}"] = pickle.dumps(np.asarray(5, dtype=object), protocol=p)
    out[f"reject_plain_none_p{p}"] = pickle.dumps(None, protocol=p)


class Exploit:
    def __reduce__(self):
        return (os.system, ("true",))


for p in (2, 4):
    out[f"reject_os_system_p{p}"] = pickle.dumps(Exploit(), protocol=p)
    # os.system smuggled in next to a real None array
    out[f"reject_os_system_tuple_p{p}"] = pickle.dumps((none, Exploit()), protocol=p)

base = out["accept_p3"]
for cut in (1, 2, 10, 40, len(base) // 2, len(base) - 2, len(base) - 1):
    out[f"reject_truncated_{cut}"] = base[:cut]
out["reject_empty"] = b""

for name, data in out.items():
    with open(os.path.join(out_dir, name + ".pkl"), "wb") as f:
        f.write(data)
    print(name)
