// Writes one HDF5 file from every rank of a communicator with parallel HDF5 (H5Pset_fapl_mpio,
// collective metadata, collective filtered writes), in the serial writer's layout: the same
// groups, datasets, chunk shapes (h5py's guess on the global shape) and gzip level
// (hdf5/hdf5_dataset_layout.h). A sharded entry is created and written collectively when it is
// put, each rank writing its hyperslab. Rank-local entries and groups are kept until commit,
// where every rank learns every rank's list, all create them collectively and each dataset is
// written collectively by its owner (the others select nothing). Variable-length strings, which
// parallel HDF5 cannot write, are written by rank 0 once the parallel file is closed. Rank 0
// commits the file atomically (core/atomic_file.h).
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
