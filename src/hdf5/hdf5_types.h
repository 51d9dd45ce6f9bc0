// The datatypes h5py writes and reads, mapped to our element types (npy-npz-hdf5-format.md §9):
// bool = ENUM over int8 {FALSE=0, TRUE=1}, complex = COMPOUND {r, i}, float16 = IEEE half,
// |S n = fixed NULLPAD ASCII string, str = variable-length UTF-8 string; byte order kept.
#pragma once

#include <hdf5.h>

#include <string>

#include "core/dtype.h"
#include "hdf5/hdf5_id.h"

namespace chainerser::core {

// The datatype h5py stores `t` as. It is also the memory type of `t`'s bytes as a caller holds
// them (variable-length strings: an array of UTF-8 char pointers). `at` prefixes messages.
H5Id h5py_datatype(const ElementType &t, const std::string &at);

struct StoredType {
    ElementType type;  // a variable-length string's itemsize is left 0: it depends on the data
    bool vlen_string = false;
};

// What a dataset's datatype is in our terms. Throws SER_EUNSUPPORTED naming the HDF5 type.
StoredType stored_type_of(hid_t file_type, const std::string &at);

// The memory type that reads a dataset of `file_type` into its stored layout (numpy's view of it).
H5Id read_memory_type(hid_t file_type, const StoredType &stored, const std::string &at);

}  // namespace chainerser::core
