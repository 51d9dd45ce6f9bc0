// Writes one HDF5 file from every rank of a communicator. Rank 0 holds the serial writer
// (Hdf5Serializer: the same groups, datasets, chunk shapes and gzip level as a serial save) and
// writes its own entries straight away; the other ranks keep theirs and send them to rank 0 at
// commit; a sharded entry is gathered to rank 0 as it is put. The serial writer's atomic commit
// runs once every rank's entries are in, and its outcome is every rank's.
//
// Not parallel HDF5 (H5Pset_fapl_mpio) yet: rank 0 does all the file I/O.
#pragma once

#include <memory>
#include <string>

#include "core/options.h"
#include "mpi/mpi_serializer.h"

namespace chainerser::core {

// Collective (after the open's arguments are agreed).
std::unique_ptr<MpiSerializer> create_mpi_h5_writer(std::shared_ptr<Comm> comm, const std::string &file,
                                                    const WriteOptions &options);

}  // namespace chainerser::core
