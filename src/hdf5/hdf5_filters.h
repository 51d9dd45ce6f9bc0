// Whether this HDF5 can decode a dataset's filter pipeline (h5py may have written lzf, szip, ...).
#pragma once

#include <hdf5.h>

#include <string>

namespace chainerser::core {

// Throws SER_EUNSUPPORTED naming the first filter in the dataset creation property list `dcpl`
// that the HDF5 library cannot decode.
void check_filters_decodable(hid_t dcpl, const std::string &at);

}  // namespace chainerser::core
