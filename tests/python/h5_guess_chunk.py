"""For each argument 'd0xd1x...:itemsize', prints h5py's guess_chunk as comma-separated extents."""
import sys

from h5py._hl.filters import guess_chunk

for arg in sys.argv[1:]:
    shape, size = arg.split(':')
    print(','.join(map(str, guess_chunk(tuple(int(x) for x in shape.split('x')), None, int(size)))))
