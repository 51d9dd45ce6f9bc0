"""MANIFEST.json -> one expectation file per .npz fixture present: OUT/<name>.expect.

Usage: npz_manifest.py DATA_DIR OUT_DIR. Prints the fixture names, one a line.
"""
import json
import os
import sys

data_dir, out_dir = sys.argv[1:3]
with open(os.path.join(data_dir, "MANIFEST.json"), encoding="utf-8") as f:
    manifest = json.load(f)
for name, info in sorted(manifest["files"].items()):
    if not name.endswith(".npz") or not os.path.exists(os.path.join(data_dir, name)):
        continue
    with open(os.path.join(out_dir, name + ".expect"), "w", encoding="utf-8") as out:
        for e in info["entries"]:
            if e["is_none"]:
                out.write(f"{e['key']}\t|O\t0\t\tNONE\n")
                continue
            shape = ",".join(str(d) for d in e["shape"])
            fortran = int(bool(e.get("fortran_order", False)))
            out.write(f"{e['key']}\t{e['dtype']}\t{fortran}\t{shape}\t{e['sha256']}\n")
    print(name)
