// Cutting a deflate stream after its first bytes (src/codec/inflate_split.cpp) on arbitrary input.
// Read as a raw deflate stream, a cut inflate either declines or decodes exactly what libdeflate
// decodes of the whole; the input tiled past 32 KiB and deflated by zlib cuts back to itself.
// Either way it stays within its input, headroom and output, and leaves the stream as it was.
#include <libdeflate.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "codec/inflate_split.h"

namespace {

using chainerser::core::kSplitHeadroom;

// Exactly sized heap blocks, so that the sanitizer sees any access outside them.
void check_split(const unsigned char *stream, size_t size, uint64_t total, uint64_t skip, const unsigned char *expected) {
    if (skip > total) return;
    unsigned char *room = static_cast<unsigned char *>(std::malloc(kSplitHeadroom + size + 1));
    unsigned char *out = static_cast<unsigned char *>(std::malloc(size_t(total - skip) + 1));
    std::memcpy(room + kSplitHeadroom, stream, size);
    uint32_t crc = 0;
    const bool ok = chainerser::core::inflate_split(room + kSplitHeadroom, size, total, skip, out, crc);
    if (std::memcmp(room + kSplitHeadroom, stream, size) != 0) abort();
    if (ok && !expected) abort();  // the whole stream does not decode to `total` bytes, a cut one did
    if (ok && (std::memcmp(out, expected + skip, size_t(total - skip)) != 0 ||
               crc != uint32_t(crc32(0, expected, uInt(total)))))
        abort();
    std::free(room);
    std::free(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    const uint64_t skip = data[2];
    if (data[0] & 1) {  // the input as a stream
        std::vector<unsigned char> whole(size_t(4) << 20);
        size_t got = 0;
        libdeflate_decompressor *d = libdeflate_alloc_decompressor();
        const bool decodes = libdeflate_deflate_decompress(d, data + 3, size - 3, whole.data(), whole.size(), &got) ==
                             LIBDEFLATE_SUCCESS;
        libdeflate_free_decompressor(d);
        if (decodes) check_split(data + 3, size - 3, got, skip, whole.data());
        else check_split(data + 3, size - 3, 40000 + uint64_t(data[1]) * 4096, skip, nullptr);
        return 0;
    }
    if (size == 3) return 0;
    std::vector<unsigned char> tiled;  // the input repeated, each copy changed, to 96 KiB at least
    for (uint32_t copy = 0; tiled.size() < (96u << 10); ++copy)
        for (size_t i = 3; i < size; ++i) tiled.push_back(uint8_t(data[i] ^ (copy * 0x9d)));
    uLongf bound = compressBound(uLong(tiled.size()));
    std::vector<unsigned char> stream(bound);
    z_stream z{};
    if (deflateInit2(&z, data[1] % 10, Z_DEFLATED, -15, 8, data[1] / 10 % 5) != Z_OK) return 0;
    z.next_in = tiled.data();
    z.avail_in = uInt(tiled.size());
    z.next_out = stream.data();
    z.avail_out = uInt(stream.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) abort();
    stream.resize(z.total_out);
    deflateEnd(&z);
    check_split(stream.data(), stream.size(), tiled.size(), skip, tiled.data());
    return 0;
}
