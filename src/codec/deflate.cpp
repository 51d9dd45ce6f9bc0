#include "codec/deflate.h"

#include <libdeflate.h>

#include <cstring>
#include <memory>

#include "core/error.h"
#include "codec/deflate_join.h"
#include "codec/literal_deflate.h"
#include "codec/small_deflate.h"

namespace chainerser::core {
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

// Compresses into a buffer of the output bound and keeps just what was produced. For large
// members the buffer is a mapping, so the bound's unused tail is never touched nor resident.
template <class Compress>
ByteBuffer compress_within(size_t bound, Compress compress) {
    ByteBuffer out(bound);
    const size_t n = compress(out.data(), out.size());
    if (n == 0) fail(SER_EINTERNAL, "compressed output exceeded its bound");
    out.shrink(n);
    return out;
}

// Inputs this large are sampled to choose between libdeflate and literal-only blocks.
constexpr size_t kLiteralCandidateBytes = size_t(1) << 20;
constexpr size_t kSampleBytes = size_t(32) << 10;
constexpr size_t kSamples = 4;

// True when, on samples spread over the input, literal-only blocks come within 0.5% of what
// libdeflate's match search gives: then the search is not worth its time.
bool literals_suffice(const unsigned char *input, size_t size, libdeflate_compressor *c) {
    ByteBuffer out(libdeflate_deflate_compress_bound(c, kSampleBytes));
    size_t matched_bits = 0, literal_bits = 0;
    for (size_t k = 0; k < kSamples; ++k) {
        const unsigned char *sample = input + (size - kSampleBytes) / (kSamples - 1) * k;
        const size_t n = libdeflate_deflate_compress(c, sample, kSampleBytes, out.data(), out.size());
        matched_bits += 8 * (n ? n : kSampleBytes);
        literal_bits += literal_block_bits(sample, kSampleBytes);
    }
    return literal_bits * 1000 <= matched_bits * 1005;
}

}  // namespace

ByteBuffer deflate_raw(const ByteSpan *parts, size_t count, int level, bool final) {
    size_t total = 0;
    for (size_t k = 0; k < count; ++k) total += parts[k].size;
    // The encoders take one contiguous buffer; join the parts only when there are several.
    ByteBuffer joined;
    const void *input = count ? parts[0].data : nullptr;
    if (count > 1) {
        joined = ByteBuffer(total);
        size_t at = 0;
        for (size_t k = 0; k < count; ++k) {
            if (parts[k].size) std::memcpy(joined.data() + at, parts[k].data, parts[k].size);
            at += parts[k].size;
        }
        input = joined.data();
    }
    return deflate_with(DeflateEncoder::Auto, input, total, level, final);
}

ByteBuffer deflate_with(DeflateEncoder encoder, const void *data, size_t size, int level, bool final) {
    libdeflate_compressor *c = compressor_for(level);
    if (encoder == DeflateEncoder::Auto) {
        // Measured gains (bench/RESULTS.md, "Deflate encoders"): the small encoder on members of
        // a few hundred bytes, literal-only blocks on trained float32 weights.
        encoder = DeflateEncoder::Libdeflate;
        if (final && level > 0 && size <= kSmallDeflateMax) encoder = DeflateEncoder::Small;
        else if (level > 0 && size >= kLiteralCandidateBytes &&
                 literals_suffice(static_cast<const unsigned char *>(data), size, c))
            encoder = DeflateEncoder::Literals;
    }
    switch (encoder) {
        case DeflateEncoder::Small:
            if (!final || size > kSmallDeflateMax) fail(SER_EINTERNAL, "the small deflate encoder takes final streams of at most 512 bytes");
            return deflate_small(data, size);
        case DeflateEncoder::Literals: return deflate_literals(data, size, final);
        default: break;
    }
    const size_t spare = final ? 0 : kOpenEndBytes;
    return compress_within(libdeflate_deflate_compress_bound(c, size) + spare, [&](unsigned char *out, size_t cap) {
        const size_t n = libdeflate_deflate_compress(c, data, size, out, cap - spare);
        return n && !final ? open_deflate_end(out, n) : n;
    });
}

bool inflate_raw_exact(const void *in, size_t in_size, void *out, size_t out_size, bool whole_input) {
    size_t in_used = 0;
    return libdeflate_deflate_decompress_ex(decompressor(), in, in_size, out, out_size, &in_used, nullptr) ==
               LIBDEFLATE_SUCCESS &&
           (!whole_input || in_used == in_size);
}

ByteBuffer zlib_compress(const void *data, size_t size, int level) {
    libdeflate_compressor *c = compressor_for(level);
    return compress_within(libdeflate_zlib_compress_bound(c, size), [&](unsigned char *out, size_t cap) {
        return libdeflate_zlib_compress(c, data, size, out, cap);
    });
}

bool inflate_zlib_exact(const void *in, size_t in_size, void *out, size_t out_size) {
    // Without actual_out_nbytes libdeflate fails unless the stream decodes to exactly out_size bytes.
    return libdeflate_zlib_decompress(decompressor(), in, in_size, out, out_size, nullptr) == LIBDEFLATE_SUCCESS;
}

}  // namespace chainerser::core
