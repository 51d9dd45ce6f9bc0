#!/usr/bin/env bash
# Go: a module outside the tree, built through cgo against the installed package and pkg-config.
# Usage: test.sh BUILD_DIR SOURCE_DIR GO
source "$(dirname "$0")/../lib.sh"
go="$3"
cp -r "$src/tests/install/go" "$work/go-consumer"  # next to $work/prefix, as its go.mod expects
cd "$work/go-consumer"
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPATH="$work/gopath" \
       GOCACHE="$build/tests/install/go-cache" CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir chainerser)"
"$go" vet .
"$go" build -o consumer .
expect_loads_from "$libdir" ./consumer
./consumer "$work" >/dev/null
expect_sound "$work/go.npz"
expect_sound "$work/go.h5"
echo "Go consumer built against $prefix"
