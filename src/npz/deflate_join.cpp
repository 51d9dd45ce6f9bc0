#include "npz/deflate_join.h"

#include <zlib.h>

#include <cstring>
#include <memory>

#include "core/error.h"

namespace chainerser {
namespace {

struct RawInflate {
    z_stream z{};
    RawInflate() {
        if (inflateInit2(&z, -15) != Z_OK) throw std::bad_alloc();
    }
    ~RawInflate() { inflateEnd(&z); }
};

// Bit offsets of the final block's header and of the stream's end. zlib's Z_BLOCK mode stops
// after every block's end-of-block code (flag 128), says whether that block was the last (flag
// 64), and how many bits of the last byte it has not used yet (data_type & 7): that is where the
// next block's header starts, or the stream ends.
struct StreamBits {
    size_t final_header = 0, end = 0;
};

StreamBits locate_final_block(const unsigned char *stream, size_t size) {
    RawInflate in;
    in.z.next_in = const_cast<unsigned char *>(stream);
    in.z.avail_in = uInt(size);
    if (size_t(in.z.avail_in) != size) fail(SER_EINTERNAL, "deflate piece too large to scan");
    auto sink = std::make_unique<unsigned char[]>(size_t(1) << 16);  // the output is not needed
    StreamBits bits;
    bool ended = false;
    for (;;) {
        in.z.next_out = sink.get();
        in.z.avail_out = 1u << 16;
        const int rc = inflate(&in.z, Z_BLOCK);
        if (rc == Z_STREAM_END && ended) return bits;
        if (rc != Z_OK) fail(SER_EINTERNAL, "a deflate piece does not decode");
        if (!(in.z.data_type & 128)) continue;  // stopped inside a block: the output was full
        const size_t at = size_t(in.z.total_in) * 8 - size_t(in.z.data_type & 7);
        if (in.z.data_type & 64) {
            bits.end = at;  // after the final block; zlib then skips to the byte boundary
            ended = true;
        } else {
            bits.final_header = at;  // the next block's header, until one of them is the last
        }
    }
}

}  // namespace

size_t open_deflate_end(unsigned char *stream, size_t size) {
    const StreamBits bits = locate_final_block(stream, size);
    stream[bits.final_header / 8] &= static_cast<unsigned char>(~(1u << (bits.final_header % 8)));
    size_t n = (bits.end + 7) / 8;
    const unsigned used = unsigned(bits.end % 8);
    if (used) stream[n - 1] &= static_cast<unsigned char>((1u << used) - 1);  // padding bits as 0
    // An empty stored block to reach a byte boundary: three header bits 0 (not final, stored),
    // padding, then LEN 0 and NLEN 0xffff. Its header fits in the last byte if that has three
    // free bits. Then kPieceEnd, whose header is a byte of its own.
    if (used == 0 || used > 5) stream[n++] = 0;
    for (unsigned char b : {0x00, 0x00, 0xff, 0xff}) stream[n++] = b;
    for (unsigned char b : kPieceEnd) stream[n++] = b;
    return n;
}

bool close_piece(unsigned char *piece, size_t size) {
    if (size < sizeof kPieceEnd || std::memcmp(piece + size - sizeof kPieceEnd, kPieceEnd, sizeof kPieceEnd) != 0)
        return false;
    piece[size - sizeof kPieceEnd] |= 1;
    return true;
}

}  // namespace chainerser
