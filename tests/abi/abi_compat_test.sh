#!/usr/bin/env bash
# Compares the built library's ABI with the committed baseline (abi/libchainerser.abi). New
# symbols are allowed; any other difference (a changed signature, struct layout or removed
# symbol) makes abidiff exit non-zero, and so this test fails.
set -euo pipefail
root="$1"; lib="$2"
abidiff --no-added-syms --exported-interfaces-only --headers-dir2 "$root/include/chainerser" "$root/abi/libchainerser.abi" "$lib"
echo "ABI compatible with abi/libchainerser.abi"
