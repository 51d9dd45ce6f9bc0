"""NumPy's own .npy header bytes for a table of cases.

Reads lines "descr;fortran(0|1);shape" (shape comma-separated, empty for 0-d) from the file argv[1];
prints, for each, the hex of the header numpy writes for it (np.lib.format._write_array_header,
what np.save uses, so no array has to be allocated for big shapes).
"""
import io
import sys

import numpy as np

with open(sys.argv[1], encoding="ascii") as f:
    lines = f.read().splitlines()
for line in lines:
    if not line:
        continue
    descr, fortran, shape = line.split(";")
    d = {
        "descr": np.lib.format.dtype_to_descr(np.dtype(descr)),
        "fortran_order": fortran == "1",
        "shape": tuple(int(x) for x in shape.split(",") if x),
    }
    buf = io.BytesIO()
    np.lib.format._write_array_header(buf, d, None)
    print(buf.getvalue().hex())
