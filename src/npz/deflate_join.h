// Joining independently deflated pieces into one raw deflate stream, as pigz does: every piece but
// the last ends without a final block and on a byte boundary, so the pieces simply concatenate.
// This is what lets one large member be compressed on several threads.
#pragma once

#include <cstddef>

namespace chainerser {

// What open_deflate_end may add past a stream's end.
constexpr size_t kOpenEndBytes = 5;

// Turns the complete raw deflate stream in stream[0, size) into one that does not end the data:
// the BFINAL bit of its final block is cleared and an empty stored block follows, which ends on a
// byte boundary. Writes at most kOpenEndBytes past `size`; returns the new size. A stream that
// does not decode is SER_EINTERNAL (only our own compressor's output is given here).
size_t open_deflate_end(unsigned char *stream, size_t size);

}  // namespace chainerser
