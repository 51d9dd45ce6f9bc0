"""The examples' files load in NumPy with the keys and values the examples wrote."""
import sys

import numpy as np

demo, mlp = sys.argv[1], sys.argv[2]
with np.load(demo, allow_pickle=True) as z:
    assert sorted(z.files) == ["extensions/LogReport/_log", "predictor/l1/W", "predictor/l1/b",
                               "predictor/l2/W", "predictor/l2/b", "predictor/lazy/W",
                               "updater/iteration"], z.files
    w = z["predictor/l1/W"]
    assert w.dtype.str == "<f4" and w.shape == (8, 4)
    assert np.array_equal(w.ravel(), np.arange(32, dtype=np.float32) * 0.25 - 4.0)
    assert z["predictor/lazy/W"][()] is None
    assert int(z["updater/iteration"]) == 1000
    assert str(z["extensions/LogReport/_log"]) == '[{"main/loss": 0.25}]'
with np.load(mlp) as z:
    assert sorted(z.files) == ["iteration", "predictor/l1/W", "predictor/l1/b", "predictor/l2/W",
                               "predictor/l2/b"], z.files
    assert np.all(z["predictor/l2/W"] == -0.25) and z["predictor/l2/W"].shape == (3, 8)
    assert int(z["iteration"]) == 42
print("example outputs load in numpy: OK")
