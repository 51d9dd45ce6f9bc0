#!/usr/bin/env bash
# The installed command and binding library find libchainerser through an $ORIGIN-relative
# RUNPATH: they run, with no LD_LIBRARY_PATH, from a prefix under a temporary directory and after
# that prefix is moved elsewhere.
source "$(dirname "$0")/lib.sh"

runpath() { readelf -d "$1" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]$/\2/p'; }
objects=("$prefix/bin/chainerser")
[ -e "$libdir/libchainerser_fortran.so.0" ] && objects+=("$libdir/libchainerser_fortran.so.0")
for object in "${objects[@]}"; do
    rp="$(runpath "$object")"
    case "$rp" in '$ORIGIN'*) ;; *) fail "$object: RUNPATH '$rp' is not \$ORIGIN-relative" ;; esac
    case "$rp" in *"$build"*) fail "$object: RUNPATH '$rp' names the build tree" ;; esac
done

check_prefix() {
    local at="$1" lib="$1/${libdir#"$prefix"/}"
    for object in "${objects[@]}"; do expect_loads_from "$lib" "$at/${object#"$prefix"/}"; done
    "$at/bin/chainerser" --version | grep -q '^chainerser [0-9]' || fail "$at/bin/chainerser --version"
    "$at/bin/chainerser" convert "$src/tests/data/mlp.npz" "$work/mlp.h5" || fail "convert from $at"
    "$at/bin/chainerser" diff "$src/tests/data/mlp.npz" "$work/mlp.h5" || fail "diff from $at"
}
check_prefix "$prefix"
mkdir "$work/moved"
mv "$prefix" "$work/moved/opt"
check_prefix "$work/moved/opt"
echo "installed command runs from $prefix and from a moved prefix, without LD_LIBRARY_PATH"
