// A block (offset and count per axis) of an array in C order, as the contiguous byte runs it is
// made of: what a block read copies out of an entry, and what an MPI rank owns of a sharded one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace chainerser::core {

// Calls run(from, to, size) for each contiguous run of the block [offset, offset + count) of an
// array of `shape` with `itemsize`-byte elements, in C order: `from` is the run's byte offset in
// the array, `to` in the block (itself in C order, shape `count`). Neighbouring rows that are
// contiguous in both are one run. Nothing for an empty block; one run for ndim 0.
void for_each_block_run(const std::vector<int64_t> &shape, const std::vector<int64_t> &offset,
                        const std::vector<int64_t> &count, uint64_t itemsize,
                        const std::function<void(uint64_t from, uint64_t to, uint64_t size)> &run);

}  // namespace chainerser::core
