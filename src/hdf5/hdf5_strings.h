// Strings between numpy's '<U n' (fixed-width UTF-32) and h5py's variable-length UTF-8 strings.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace chainerser::core {

// The `count` '<U n' elements at `data` (in byte order t.byteorder) as UTF-8, trailing NULs
// dropped as numpy's str() does. An embedded NUL or invalid code point is an error.
std::vector<std::string> utf8_strings_of(const void *data, uint64_t count, const ElementType &t, const std::string &at);

// Reads the variable-length strings selected by the two dataspaces.
std::vector<std::string> read_vlen_strings(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space,
                                           uint64_t count, const std::string &at);

// numpy's width for these strings: the most code points of any (at least 1, as numpy's '<U1' for '').
size_t max_code_points(const std::vector<std::string> &strings, const std::string &at);

// Writes the strings as native-order UTF-32, each padded with NULs to itemsize bytes.
void pack_utf32(const std::vector<std::string> &strings, size_t itemsize, void *out, const std::string &at);

}  // namespace chainerser::core
