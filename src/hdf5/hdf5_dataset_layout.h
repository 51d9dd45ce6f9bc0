// The datasets and groups Chainer's save_hdf5 + h5py create, as the serial writer and the MPI
// writer both make them: h5py's datatype, dataspace and creation properties (its chunk guess and
// gzip on datasets of more than one element, contiguous otherwise, no timestamps), Chainer's
// require_group, and h5py's variable-length UTF-8 strings. Call under Hdf5Lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/array.h"
#include "core/options.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_strings.h"

namespace chainerser::core {

constexpr int kH5pyDefaultLevel = 4;  // Chainer's save_hdf5(compression=4)

// Marks a dataset written from an array numpy would save with fortran_order True: a scalar h5py
// bool True. The dataset stays C order with the array's shape; copying it to NPZ writes a
// Fortran-ordered member again (docs/on-disk-layout.md).
constexpr const char *kFortranOrderAttribute = "chainerser_fortran_order";

// File access properties of h5py's File(name, 'w'), plus what the writers need of them.
H5Id h5py_write_access(const std::string &at);

struct DatasetLayout {
    H5Id type, space, dcpl;
    std::vector<hsize_t> chunks;  // empty: contiguous, unfiltered
    std::optional<ElementType> numpy_dtype;  // a str array's '<U n', kept in kNumpyDtypeAttribute
    bool fortran_order = false;              // kept in kFortranOrderAttribute
};

// What h5py's create_dataset(data=..., compression=options.level) makes for `meta` (C order).
// A str array's strings choose variable- or fixed-length strings (none given: variable).
DatasetLayout h5py_dataset_layout(const ArrayMeta &meta, const WriteOptions &options, const std::string &at,
                                  const Utf8Strings *strings = nullptr);

// Creates dataset `key` of `layout` in `file` (SER_EEXISTS if the name is taken), with its attribute.
H5Id create_h5py_dataset(hid_t file, const std::string &key, const DatasetLayout &layout, const std::string &at);

// Whether `dataset` has kFortranOrderAttribute True; SER_EFORMAT naming the key unless the
// attribute, if there, is a scalar bool or one-byte integer holding 0 or 1.
bool read_fortran_order_attribute(hid_t dataset, const std::string &at);

// Chainer's require_group(path): SER_EEXISTS if a dataset has the name.
void ensure_group(hid_t file, const std::string &path, const std::string &at);

// Writes the strings into `dataset` of string type `type` (variable- or fixed-length).
void write_strings(hid_t dataset, hid_t type, const Utf8Strings &strings, const std::string &at);

// Throws hdf5_fail(code, context) when status is negative.
void check_h5(herr_t status, int code, const std::string &context);

}  // namespace chainerser::core
