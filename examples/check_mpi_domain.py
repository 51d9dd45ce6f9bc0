"""mpi_domain's file loads in NumPy: the whole field as one array, equal to the formula every rank
filled its block with, and the model beside it."""
import sys

import numpy as np

with np.load(sys.argv[1]) as z:
    assert sorted(z.files) == ["field/T", "model/l1/W", "model/l1/b", "step"], z.files
    i, j = np.meshgrid(np.arange(64), np.arange(48), indexing="ij")
    assert z["field/T"].dtype == np.float64 and np.array_equal(z["field/T"], 300.0 + 0.5 * i - 0.25 * j)
    assert np.array_equal(z["model/l1/W"], np.arange(12, dtype=np.float32).reshape(3, 4) * 0.25)
    assert int(z["step"]) == 1000
print("mpi_domain's checkpoint loads in numpy: OK")
