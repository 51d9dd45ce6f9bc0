#!/usr/bin/env bash
# C++: examples/mlp_serializable.cpp (a Serializable model through chainerser.hpp) built against
# the installed prefix with find_package and with pkg-config.
source "$(dirname "$0")/../lib.sh"
consume_example "$src/tests/install/cpp" "$src/examples/mlp_serializable.cpp" c++ -std=c++17 -Wall -Wextra -Werror
echo "C++ consumer built against $prefix with find_package and pkg-config"
