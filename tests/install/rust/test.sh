#!/usr/bin/env bash
# Rust: a crate outside the tree with the installed crate as a path dependency; its build.rs finds
# the library through the prefix's .pc files. Usage: test.sh BUILD_DIR SOURCE_DIR CARGO
source "$(dirname "$0")/../lib.sh"
cargo="$3"
cp -r "$src/tests/install/rust" "$work/rust-consumer"  # next to $work/prefix, as its Cargo.toml expects
cd "$work/rust-consumer"
# The dependency's build.rs must find the library by itself: no CHAINERSER_LIB_DIR, no pkg-config
# path from us. Running from a prefix outside the loader's path needs a RUNPATH, as in C.
unset CHAINERSER_LIB_DIR CHAINERSER_INCLUDE_DIR PKG_CONFIG_PATH
export PKG_CONFIG_LIBDIR=/nonexistent CARGO_TARGET_DIR="$work/target" \
       RUSTFLAGS="-C link-arg=-Wl,-rpath,$libdir"
"$cargo" build --offline --quiet
expect_loads_from "$libdir" "$work/target/debug/chainerser-consumer"
"$work/target/debug/chainerser-consumer" "$work" >/dev/null
expect_sound "$work/rust.npz"
expect_sound "$work/rust.h5"
echo "Rust consumer built against $prefix"
