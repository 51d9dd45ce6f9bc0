#include "codec/deflate_join.h"

#include <cstring>
#include <memory>

#include "codec/zlib_stream.h"
#include "core/error.h"

namespace chainerser::core {
namespace {

// Bit offsets of the final block's header and of the stream's end.
struct StreamBits {
    size_t final_header = 0, end = 0;
};

// libdeflate tells nothing of its blocks, so a piece it deflated is scanned (decoded into a
// discarded window) to find its final block. Our own encoders write pieces open-ended directly.
StreamBits locate_final_block(const unsigned char *stream, size_t size) {
    RawInflateStream in;
    in.feed(stream, size);
    auto sink = std::make_unique<unsigned char[]>(size_t(1) << 16);  // the output is not needed
    StreamBits bits;
    bool ended = false;
    for (;;) {
        size_t written = 0;
        const RawInflateStream::Status st = in.inflate(sink.get(), size_t(1) << 16, written, true);
        if (st == RawInflateStream::Status::End && ended) return bits;
        if (st != RawInflateStream::Status::OutputFull) fail(SER_EINTERNAL, "a deflate piece does not decode");
        if (!in.at_block_end()) continue;  // stopped inside a block: the output was full
        const size_t at = size_t(in.block_end_bit());
        if (in.ended_final_block()) {
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

}  // namespace chainerser::core
