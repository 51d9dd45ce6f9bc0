"""An archive of more than 65535 members: it ends with a zip64 end record and locator (as CPython
writes them), numpy.load lists every member, and the members it reads hold 3k under opt/p<k>/t
(a sample around the 65535 boundary and spread over the rest: reading all 70,000 through numpy
takes minutes)."""
import struct
import sys

import numpy as np

path, count = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    data = f.read()
eocd = data[-22:]
assert eocd[:4] == b"PK\x05\x06", eocd[:4]
assert struct.unpack("<HH", eocd[8:12]) == (0xFFFF, 0xFFFF), "32-bit counts must be 0xFFFF"
locator = data[-42:-22]
assert locator[:4] == b"PK\x06\x07", locator[:4]
record_at = struct.unpack("<Q", locator[8:16])[0]
record = data[record_at:record_at + 56]
assert record[:4] == b"PK\x06\x06"
assert struct.unpack("<QQ", record[24:40]) == (count, count)
with np.load(path) as z:
    assert len(z.files) == count, len(z.files)
    sample = set(range(0, count, 997)) | set(range(65530, 65542)) | {count - 1}
    for k in sample:
        assert int(z["opt/p%d/t" % k]) == 3 * k, k
print("zip64 archive of %d members OK" % count)
