// Opening and creating HDF5 files the way the backends need them: the descriptor is
// close-on-exec (a subprocess started by the host program must not inherit it, or its lock),
// and a failure to lock the file is reported as an I/O error, not as corruption.
#pragma once

#include <string>

#include "hdf5/hdf5_id.h"

namespace chainerser {

// H5Fopen read-only. Call under Hdf5Lock.
H5Id open_hdf5_file(const std::string &name);

// H5Fcreate (truncating) at `path` with the file-access properties `fapl`; `name` is the file
// the user asked for, used in messages. Call under Hdf5Lock.
H5Id create_hdf5_file(const std::string &path, hid_t fapl, const std::string &name);

}  // namespace chainerser
