"""Print every member of an .npz as 'key descr shape value-or-sum', sorted, as numpy reads it."""
import sys

import numpy as np

with np.load(sys.argv[1], allow_pickle=True) as z:
    for key in sorted(z.files):
        a = z[key]
        if a.dtype.kind in "biuf" and a.ndim > 0:
            summary = repr(float(a.astype(np.float64).sum()))
        else:
            summary = str(a[()]) if a.ndim == 0 else repr(a.tolist())
        print(key, a.dtype.str, a.shape, summary)
