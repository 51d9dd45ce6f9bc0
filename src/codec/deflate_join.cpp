#include "codec/deflate_join.h"

#include <cstring>

#include "codec/deflate_walk.h"
#include "core/error.h"

namespace chainerser::core {

size_t open_deflate_end(unsigned char *stream, size_t size) {
    // libdeflate tells nothing of its blocks; our own encoders write pieces open-ended directly.
    FinalBlock bits;
    if (!find_final_block(stream, size, bits)) fail(SER_EINTERNAL, "a deflate piece does not decode");
    stream[bits.header_bit / 8] &= static_cast<unsigned char>(~(1u << (bits.header_bit % 8)));
    size_t n = (bits.end_bit + 7) / 8;
    const unsigned used = unsigned(bits.end_bit % 8);
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
