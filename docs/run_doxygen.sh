#!/usr/bin/env bash
# Builds the reference docs into $1 (default build/docs); any Doxygen warning fails the build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$root/build/docs}")"
mkdir -p "$out"
cd "$root"
CHAINERSER_DOCS_OUT="$out" doxygen docs/Doxyfile
echo "docs written to $out/html/index.html"
