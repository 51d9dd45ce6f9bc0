// Strings between numpy's '<U n' (fixed-width UTF-32) and HDF5's UTF-8 strings: h5py's
// variable-length strings, or fixed-length NULLPAD strings when one holds an embedded NUL (a
// variable-length string ends at its first NUL). The '<U n' itself, byte order and width, is kept
// in the dataset's attribute kNumpyDtypeAttribute (docs/on-disk-layout.md).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace chainerser::core {

constexpr const char *kNumpyDtypeAttribute = "chainerser_numpy_dtype";

struct Utf8Strings {
    std::vector<std::string> strings;
    size_t fixed_size = 0;  // 0: variable-length; else the bytes of the longest string (at least 1)
};

// The `count` '<U n' elements at `data` (in byte order t.byteorder) as UTF-8, trailing NULs
// dropped as numpy's str() does. An invalid code point is an error.
Utf8Strings utf8_strings_of(const void *data, uint64_t count, const ElementType &t, const std::string &at);

// Reads the strings selected by the two dataspaces, variable- or fixed-length as mem_type is
// (fixed-length ones lose their NUL padding).
std::vector<std::string> read_strings(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space,
                                      uint64_t count, const std::string &at);

// numpy's width for these strings: the most code points of any (at least 1, as numpy's '<U1' for '').
size_t max_code_points(const std::vector<std::string> &strings, const std::string &at);

// Writes the strings as UTF-32 in t's byte order, each padded with NULs to t.itemsize bytes.
void pack_utf32(const std::vector<std::string> &strings, const ElementType &t, void *out, const std::string &at);

// Stores t ('<U n') as the dataset's kNumpyDtypeAttribute: a fixed-length ASCII scalar, which
// parallel HDF5 writes too (it keeps no variable-length data).
void write_numpy_dtype_attribute(hid_t dataset, const ElementType &t, const std::string &at);

// The '<U n' a dataset's kNumpyDtypeAttribute names, if it has one; SER_EFORMAT if it is not a
// string naming a '<U n'.
std::optional<ElementType> read_numpy_dtype_attribute(hid_t dataset, const std::string &at);

}  // namespace chainerser::core
