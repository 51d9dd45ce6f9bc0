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

// A string type of `size` bytes (H5T_VARIABLE: variable-length), NULL-padded as h5py's.
H5Id h5py_string_type(size_t size, H5T_cset_t cset, const std::string &at);

struct StoredType {
    ElementType type;  // a variable-length string's itemsize is left 0 when no attribute gives it
    bool vlen_string = false;
    bool fixed_utf8 = false;  // fixed-length strings read as the '<U n' of their attribute
    bool decoded() const { return vlen_string || fixed_utf8; }  // read through UTF-8, not as stored bytes
};

// What a dataset's datatype is in our terms. Throws SER_EUNSUPPORTED naming the HDF5 type.
StoredType stored_type_of(hid_t file_type, const std::string &at);

// stored_type_of, then for strings the '<U n' of the dataset's kNumpyDtypeAttribute, if it has one.
StoredType stored_type_of_dataset(hid_t dataset, hid_t file_type, const std::string &at);

// The memory type that reads a dataset of `file_type` into its stored layout (numpy's view of it).
H5Id read_memory_type(hid_t file_type, const StoredType &stored, const std::string &at);

}  // namespace chainerser::core
