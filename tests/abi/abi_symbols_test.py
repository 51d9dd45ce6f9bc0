"""The exported ABI agrees three ways: every SER_API function declared in the public headers is in
the linker version script and exported by the library, and nothing else is exported.

usage: abi_symbols_test.py INCLUDE_DIR VERSION_SCRIPT LIBRARY [--map EXTRA_SCRIPT] [--without HEADER]

The serial library is checked --without mpi.h; the MPI flavour with --map capi/mpi/libchainerser_mpi.map."""
import glob
import os
import re
import subprocess
import sys

include_dir, map_file, library = sys.argv[1:4]
extra_maps, without = [], []
rest = sys.argv[4:]
while rest:
    flag, value, rest = rest[0], rest[1], rest[2:]
    (extra_maps if flag == "--map" else without).append(value)

declared = set()
for header in glob.glob(os.path.join(include_dir, "chainerser", "*.h")):
    if os.path.basename(header) in without:
        continue
    with open(header) as f:
        text = f.read()
    declared |= set(re.findall(r"SER_API\s+[^;]*?\b(ser_\w+)\s*\(", text, re.S))

text = ""
for name in [map_file] + extra_maps:
    with open(name) as f:
        text += re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
scripted = set(re.findall(r"\b(ser_\w+)\s*;", text))
if re.search(r"ser_\w*\*", text):
    sys.exit("the version script must list symbols one by one, not with a wildcard")

out = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True, check=True).stdout
exported, other = set(), []
for line in out.splitlines():
    parts = line.split()
    kind, name = parts[-2], parts[-1].split("@")[0]
    if kind == "A" and name.startswith("CHAINERSER_"):  # the version node itself
        continue
    (exported.add(name) if name.startswith("ser_") else other.append(name))

problems = []
if other:
    problems.append("exported symbols that are not ser_*: %s" % sorted(other))
for a, an, b, bn in [(declared, "declared in the headers", scripted, "in the version script"),
                     (scripted, "in the version script", exported, "exported by the library"),
                     (exported, "exported by the library", declared, "declared in the headers")]:
    missing = sorted(a - b)
    if missing:
        problems.append("%s but not %s: %s" % (an, bn, missing))
if problems:
    sys.exit("\n".join(problems))
print("ABI symbols agree: %d functions declared, scripted and exported" % len(declared))
