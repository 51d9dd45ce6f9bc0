// Moving an array between row-major (C) and column-major (Fortran) memory order, in blocks small
// enough that the source and destination pieces both stay in the data cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chainerser::core {

// Copies a column-major array of `shape` into row-major order.
void fortran_to_c(const void *src, void *dst, const std::vector<int64_t> &shape, size_t itemsize);

// Copies a row-major array of `shape` into column-major order.
void c_to_fortran(const void *src, void *dst, const std::vector<int64_t> &shape, size_t itemsize);

}  // namespace chainerser::core
