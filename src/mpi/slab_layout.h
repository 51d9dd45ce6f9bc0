// One array written from a block on every rank: the check that the blocks tile it, and their
// redistribution (MPI_Alltoallw with subarray datatypes) into contiguous row ranges, so that each
// rank holds one contiguous byte range of the array in C order to checksum, deflate and write.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/byte_buffer.h"
#include "mpi/comm.h"

namespace chainerser::core {

struct Block {
    std::vector<int64_t> offset, count;
};

// Every rank's block (each rank passes its own), checked to lie inside `shape` and to tile it
// exactly: the same SER_EINVAL on every rank for a gap or an overlap. `at` starts messages.
// A 0-d array is handled as shape (1,).
std::vector<Block> gather_tiling(const Comm &comm, const std::vector<int64_t> &shape, const Block &mine,
                                 const std::string &at);

// The rows [first, second) of axis 0 that `rank` holds after redistribute().
std::pair<int64_t, int64_t> row_range(int64_t rows, int rank, int size);

// True when every rank's block is exactly its row_range (whole rows): redistribute() would move
// nothing.
bool holds_row_ranges(const std::vector<Block> &blocks, const std::vector<int64_t> &shape, int size);

// Sends every rank's block (its bytes `mine`, C order) to the ranks whose rows it covers; returns
// this rank's rows. `shape` has at least one axis (0-d as (1,)); extents must fit in an int.
ByteBuffer redistribute(const Comm &comm, const std::vector<int64_t> &shape, uint64_t itemsize,
                        const std::vector<Block> &blocks, const void *mine, const std::string &at);

// The same, with every row going to `root`: the whole array there, nothing elsewhere.
ByteBuffer gather_array(const Comm &comm, int root, const std::vector<int64_t> &shape, uint64_t itemsize,
                        const std::vector<Block> &blocks, const void *mine, const std::string &at);

}  // namespace chainerser::core
