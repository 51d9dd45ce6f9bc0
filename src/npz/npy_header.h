// The .npy header: NumPy's exact writer format (1.0, 64-byte aligned, growth space) and a strict
// reader of 1.0/2.0/3.0 headers that never evaluates anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/array.h"

namespace chainerser::core {

struct NpyHeader {
    ArrayMeta meta;
    int major = 1, minor = 0;
    uint64_t data_offset = 0;  // bytes from the start of the .npy to the array data
};

// Bytes needed to learn the header length: magic (6) + version (2) + length field (up to 4).
constexpr size_t kNpyPreambleSize = 12;

// From the first kNpyPreambleSize bytes (fewer if the member is shorter): the total header
// size including preamble, i.e. the data offset. Throws SER_EFORMAT / SER_ELIMIT.
uint64_t npy_data_offset(const unsigned char *p, size_t n, uint64_t max_header_bytes);

// Parses a complete header (p holds at least npy_data_offset() bytes). Object arrays come
// back with dtype SER_NONE and their shape; the caller decides whether the pickle is None.
NpyHeader decode_npy_header(const unsigned char *p, size_t n, uint64_t max_header_bytes);

// The header numpy >= 1.24 writes for this array (version 1.0 unless it does not fit).
std::string encode_npy_header(const ArrayMeta &meta);

}  // namespace chainerser::core
