"""The NPZ ($1) and HDF5 ($2) checkpoints of consumer.c hold field/T with every rank's rows."""
import sys

import h5py
import numpy

expected = 10.0 * numpy.arange(7)[:, None] + numpy.arange(5)[None, :] + 0.5
with numpy.load(sys.argv[1]) as npz:
    numpy.testing.assert_array_equal(npz["field/T"], expected)
    assert npz["field/T"].dtype == numpy.float64
with h5py.File(sys.argv[2], "r") as h5:
    numpy.testing.assert_array_equal(h5["field/T"][()], expected)
    assert h5["field/T"].dtype == numpy.float64
