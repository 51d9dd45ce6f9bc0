#include "npz/deflate.h"

#include <libdeflate.h>

#include <cstring>
#include <memory>

#include "core/error.h"

namespace chainerser {

std::vector<unsigned char> deflate_raw(const ByteSpan *parts, size_t count, int level) {
    size_t total = 0;
    for (size_t k = 0; k < count; ++k) total += parts[k].size;
    // libdeflate compresses one contiguous buffer; join the parts only when there are several.
    std::vector<unsigned char> joined;
    const void *input = count ? parts[0].data : nullptr;
    if (count > 1) {
        joined.resize(total);
        size_t at = 0;
        for (size_t k = 0; k < count; ++k) {
            if (parts[k].size) std::memcpy(joined.data() + at, parts[k].data, parts[k].size);
            at += parts[k].size;
        }
        input = joined.data();
    }
    std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
        libdeflate_alloc_compressor(level), &libdeflate_free_compressor);
    if (!c) throw std::bad_alloc();
    std::vector<unsigned char> out(libdeflate_deflate_compress_bound(c.get(), total));
    size_t n = libdeflate_deflate_compress(c.get(), input, total, out.data(), out.size());
    if (n == 0) fail(SER_EINTERNAL, "deflate output exceeded its bound");
    out.resize(n);
    out.shrink_to_fit();
    return out;
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t size) {
    return libdeflate_crc32(crc, data, size);
}

}  // namespace chainerser
