// Whole-buffer raw deflate (what a zip member with method 8 holds) and CRC-32, via libdeflate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chainerser {

struct ByteSpan {
    const void *data;
    size_t size;
};

// Deflates the concatenation of `parts` at `level` (0-9).
std::vector<unsigned char> deflate_raw(const ByteSpan *parts, size_t count, int level);

// CRC-32 (zip / zlib polynomial) continuing from `crc` (start with 0).
uint32_t crc32_update(uint32_t crc, const void *data, size_t size);

}  // namespace chainerser
