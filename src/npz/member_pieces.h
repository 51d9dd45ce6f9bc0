// A large compressed member as pieces deflated independently (in parallel, by the serial writer's
// workers or by MPI ranks) and joined into one deflate stream: each non-final piece ends on a byte
// boundary (deflate_join.h), so the pieces' streams are simply written one after the other.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/byte_buffer.h"
#include "core/byte_span.h"

namespace chainerser::core {

// Compressed members this large are cut into pieces of at least kPieceBytes. Pieces this large
// lose well under 0.1% of compression at their joins.
constexpr size_t kPieceBytes = size_t(8) << 20;
constexpr size_t kSplitBytes = 2 * kPieceBytes;

struct Deflated {
    ByteBuffer stream;
    uint64_t size = 0;  // input bytes
    uint32_t crc = 0;   // of the input
};

// The data bytes per piece of a member of `data_size` bytes: kPieceBytes, or more (whole MiB) so
// that the piece index fits.
size_t piece_bytes(size_t data_size);

// Piece i of `pieces` of `data`, `per` data bytes each (the last may be shorter), deflated at
// `level`: with `header` (the npy header, or empty) first when i is 0; the piece ends the
// member's stream when it is the last and `ends_member`.
Deflated deflate_piece(const ByteSpan &header, const ByteSpan &data, size_t per, size_t i, size_t pieces, int level,
                       bool ends_member = true);

}  // namespace chainerser::core
