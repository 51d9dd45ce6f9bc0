"""Prints every group of an HDF5 file (path without the leading '/'), sorted, then each group's
member names: 'group<TAB>member,member,...' ('' is the root)."""
import sys

import h5py

with h5py.File(sys.argv[1], 'r') as f:
    groups = ['']
    f.visititems(lambda name, obj: groups.append(name) if isinstance(obj, h5py.Group) else None)
    for g in sorted(groups):
        print(g + '\t' + ','.join(sorted(f[g or '/'].keys())))
