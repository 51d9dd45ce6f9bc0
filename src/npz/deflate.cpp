#include "npz/deflate.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace chainerser {
namespace {

// A compressor holds large tables; keep one per level and thread instead of one per member.
libdeflate_compressor *compressor_for(int level) {
    struct Cache {
        libdeflate_compressor *by_level[13] = {};
        ~Cache() {
            for (libdeflate_compressor *c : by_level)
                if (c) libdeflate_free_compressor(c);
        }
    };
    thread_local Cache cache;
    if (level < 0 || level > 12) fail(SER_EINVAL, "deflate level " + std::to_string(level) + " is not in 0-12");
    libdeflate_compressor *&c = cache.by_level[level];
    if (!c) c = libdeflate_alloc_compressor(level);
    if (!c) throw std::bad_alloc();
    return c;
}

// One decompressor per thread, shared by the raw and zlib formats.
libdeflate_decompressor *decompressor() {
    struct Cache {
        libdeflate_decompressor *d = nullptr;
        ~Cache() {
            if (d) libdeflate_free_decompressor(d);
        }
    };
    thread_local Cache cache;
    if (!cache.d) cache.d = libdeflate_alloc_decompressor();
    if (!cache.d) throw std::bad_alloc();
    return cache.d;
}

// Compresses into a reused per-thread buffer of the output bound and returns a copy of just what
// was produced: a fresh bound-sized vector per call would be zeroed, page-faulted and then
// shrunk by another copy, and two of them per worker would count against peak memory.
template <class Compress>
std::vector<unsigned char> through_scratch(size_t bound, Compress compress) {
    constexpr size_t kKeep = size_t(64) << 20;  // larger scratch buffers are not kept
    thread_local std::vector<unsigned char> scratch;
    if (scratch.size() < bound) scratch.resize(bound);
    const size_t n = compress(scratch.data(), scratch.size());
    if (n == 0) fail(SER_EINTERNAL, "compressed output exceeded its bound");
    std::vector<unsigned char> out(scratch.begin(), scratch.begin() + long(n));
    if (scratch.size() > kKeep) std::vector<unsigned char>().swap(scratch);
    return out;
}

}  // namespace

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
    libdeflate_compressor *c = compressor_for(level);
    return through_scratch(libdeflate_deflate_compress_bound(c, total), [&](unsigned char *out, size_t cap) {
        return libdeflate_deflate_compress(c, input, total, out, cap);
    });
}

bool inflate_raw_exact(const void *in, size_t in_size, void *out, size_t out_size) {
    size_t in_used = 0;
    return libdeflate_deflate_decompress_ex(decompressor(), in, in_size, out, out_size, &in_used, nullptr) ==
           LIBDEFLATE_SUCCESS;
}

std::vector<unsigned char> zlib_compress(const void *data, size_t size, int level) {
    libdeflate_compressor *c = compressor_for(level);
    return through_scratch(libdeflate_zlib_compress_bound(c, size), [&](unsigned char *out, size_t cap) {
        return libdeflate_zlib_compress(c, data, size, out, cap);
    });
}

bool inflate_zlib_exact(const void *in, size_t in_size, void *out, size_t out_size) {
    // Without actual_out_nbytes libdeflate fails unless the stream decodes to exactly out_size bytes.
    return libdeflate_zlib_decompress(decompressor(), in, in_size, out, out_size, nullptr) == LIBDEFLATE_SUCCESS;
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t size) {
    // libdeflate_crc32 returns 0 (a fresh CRC) for a NULL buffer, which an empty array may be.
    if (size == 0) return crc;
    return libdeflate_crc32(crc, data, size);
}

}  // namespace chainerser
