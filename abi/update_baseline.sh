#!/usr/bin/env bash
# Records the released ABI of libchainerser.so (abidw, Debian abigail-tools) as the baseline that
# CI compares every build with (tests/abi/abi_compat_test.sh). Run it only when cutting a release.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="${1:-$root/build/libchainerser.so}"
abidw --exported-interfaces-only --no-show-locs --headers-dir "$root/include/chainerser" --out-file "$root/abi/libchainerser.abi" "$lib"
echo "baseline written to abi/libchainerser.abi"
