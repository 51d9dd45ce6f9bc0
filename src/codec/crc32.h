// CRC-32 with the zip / zlib polynomial (libdeflate's fast implementation), and the combination
// of two CRCs, which lets pieces, ranks or threads checksum their parts apart.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chainerser::core {

// The CRC-32 continuing from `crc` (start with 0) over `size` bytes at `data` (which may be null
// when size is 0).
uint32_t crc32_update(uint32_t crc, const void *data, size_t size);

// The CRC-32 of A followed by B, from A's CRC, B's CRC and B's length.
uint32_t crc32_concat(uint32_t crc_a, uint32_t crc_b, uint64_t size_b);

}  // namespace chainerser::core
