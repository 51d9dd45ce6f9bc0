#!/usr/bin/env bash
# C: examples/demo.c built against the installed prefix with find_package and with pkg-config.
source "$(dirname "$0")/../lib.sh"
consume_example "$src/tests/install/c" "$src/examples/demo.c" cc -std=c99 -Wall -Wextra -Werror
echo "C consumer built against $prefix with find_package and pkg-config"
