// Joining independently deflated pieces into one raw deflate stream, as pigz does: every piece but
// the last ends without a final block and on a byte boundary, so the pieces simply concatenate.
// This is what lets one large member be compressed on several threads. Each such piece ends with
// kPieceEnd, an empty stored block on a byte boundary; a reader that knows where the pieces are
// (the piece index, zip_directory.h) can mark that block final and inflate the piece by itself,
// which lets one large member be decompressed on several threads too.
#pragma once

#include <cstddef>

namespace chainerser::core {

// The last bytes of every piece but the last: an empty, non-final stored block whose header
// takes the whole first byte. Setting that byte's bit 0 (BFINAL) ends the stream there.
constexpr unsigned char kPieceEnd[5] = {0x00, 0x00, 0x00, 0xff, 0xff};

// What open_deflate_end may add past a stream's end.
constexpr size_t kOpenEndBytes = 10;

// Turns the complete raw deflate stream in stream[0, size) into a piece that does not end the
// data: the BFINAL bit of its final block is cleared, and empty stored blocks follow, the last
// of them kPieceEnd. Writes at most kOpenEndBytes past `size`; returns the new size. A stream
// that does not decode is SER_EINTERNAL (only our own compressor's output is given here).
size_t open_deflate_end(unsigned char *stream, size_t size);

// Makes piece[0, size), which must end with kPieceEnd, a complete stream by itself; false if it
// does not end so.
bool close_piece(unsigned char *piece, size_t size);

}  // namespace chainerser::core
