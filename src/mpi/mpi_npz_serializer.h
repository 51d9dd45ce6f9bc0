// Writes one NPZ from every rank of a communicator, over MPI-IO. Each rank's own members
// (rank-local puts) are laid out by the serial writer (NpzSerializer, into memory), then written
// at the offset the ranks agree with MPI_Exscan. A sharded member (put_slab) is written during the
// put: stored, each rank's block goes straight from its buffer through an MPI file view (subarray
// datatype) and the CRC-32 is combined from every block's runs; compressed, the blocks are
// redistributed into contiguous byte ranges, one piece per rank, deflated and joined as the serial
// writer joins its pieces. Rank 0 writes the central directory; SharedFile commits atomically.
//
// File layout: the sharded members in put order from offset 0, then rank 0's own members, rank
// 1's, ..., then the central directory.
#pragma once

#include <memory>
#include <string>

#include "core/options.h"
#include "mpi/mpi_serializer.h"

namespace chainerser::core {

// Collective (after the open's arguments are agreed).
std::unique_ptr<MpiSerializer> create_mpi_npz_writer(std::shared_ptr<Comm> comm, const std::string &file,
                                                     const WriteOptions &options);

}  // namespace chainerser::core
