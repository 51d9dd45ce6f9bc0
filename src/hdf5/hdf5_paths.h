// Walking HDF5 paths the way h5py's group[key] sees them ('/'-separated, '//' is one separator).
#pragma once

#include <hdf5.h>

#include <string>

#include "hdf5/hdf5_id.h"

namespace chainerser::core {

// True when every component of `path` exists below the root of `file`; a missing (or
// non-group) intermediate component is simply false, not an error. "" is the root.
bool hdf5_path_exists(hid_t file, const std::string &path);

// The object at `path`, if it is a dataset; an empty H5Id otherwise.
H5Id hdf5_open_dataset_if_any(hid_t file, const std::string &path);

// The link creation properties h5py uses: missing parent groups are created, names are UTF-8.
H5Id h5py_link_properties(const std::string &at);

}  // namespace chainerser::core
