// The deflate facade both backends use: whole-buffer raw deflate (what a zip member with method 8
// holds) and zlib streams (HDF5 deflate chunks), choosing among libdeflate and our own encoders.
// CRC-32 is in crc32.h, streaming inflate in zlib_stream.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/byte_buffer.h"
#include "core/byte_span.h"

namespace chainerser::core {

// Deflates the concatenation of `parts` at `level` (0-9) with libdeflate, except: inputs of at most
// kSmallDeflateMax bytes go to deflate_small, and large inputs on which libdeflate's match search
// would gain under 0.5% (judged on samples) are written as literal-only blocks. Without `final`
// the stream is one piece of a longer one: it does not end the data, and it ends on a byte
// boundary so that the next piece can be appended (deflate_join.h).
ByteBuffer deflate_raw(const ByteSpan *parts, size_t count, int level, bool final = true);

// The raw deflate encoders behind deflate_raw, each callable by itself (for tests and bench/):
// Auto is deflate_raw's choice; Small takes at most kSmallDeflateMax bytes and only final streams.
enum class DeflateEncoder { Auto, Libdeflate, Literals, Small };
ByteBuffer deflate_with(DeflateEncoder encoder, const void *data, size_t size, int level, bool final = true);

// Inflates a raw deflate stream that must decode to exactly out_size bytes; false if it is
// corrupt, shorter or longer (so a lying size cannot make it write past `out`). With
// `whole_input`, the stream must also end exactly at in_size.
bool inflate_raw_exact(const void *in, size_t in_size, void *out, size_t out_size, bool whole_input = false);

// A zlib stream (2-byte header, deflate, Adler-32: what HDF5's deflate filter stores) of the
// `size` bytes at `data`, at `level` (0-9).
ByteBuffer zlib_compress(const void *data, size_t size, int level);

// Inflates a zlib stream that must decode to exactly out_size bytes with a matching Adler-32;
// false otherwise.
bool inflate_zlib_exact(const void *in, size_t in_size, void *out, size_t out_size);

}  // namespace chainerser::core
