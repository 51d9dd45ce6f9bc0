// Rank-local zip members travel to rank 0, which writes the central directory: each rank's
// directory entries, encoded to bytes and gathered with MPI_Gatherv.
#pragma once

#include <vector>

#include "mpi/comm.h"
#include "npz/zip_layout.h"

namespace chainerser::core {

struct RankedEntry {
    CentralEntry entry;
    int rank;
};

// On rank 0: every rank's `mine`, in rank order, with the offsets each rank already shifted to
// its place in the file. Empty elsewhere.
std::vector<RankedEntry> gather_entries(const Comm &comm, const std::vector<CentralEntry> &mine);

}  // namespace chainerser::core
