#include "codec/crc32.h"

#include <libdeflate.h>
#include <zlib.h>

namespace chainerser::core {

uint32_t crc32_update(uint32_t crc, const void *data, size_t size) {
    // libdeflate_crc32 returns 0 (a fresh CRC) for a NULL buffer, which an empty array may be.
    if (size == 0) return crc;
    return libdeflate_crc32(crc, data, size);
}

uint32_t crc32_concat(uint32_t crc_a, uint32_t crc_b, uint64_t size_b) {
    return uint32_t(::crc32_combine64(uLong(crc_a), uLong(crc_b), z_off64_t(size_b)));
}

}  // namespace chainerser::core
