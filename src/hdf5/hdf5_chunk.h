// h5py's chunk-shape guess (h5py/_hl/filters.py guess_chunk), so our compressed datasets get the
// chunks h5py would give the same shape and item size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chainerser::core {

// The chunk shape h5py picks for `shape` (rank >= 1) and `typesize` bytes per element.
std::vector<int64_t> h5py_guess_chunk(const std::vector<int64_t> &shape, size_t typesize);

}  // namespace chainerser::core
