// Raw deflate for small inputs (npy headers and arrays of a few elements, as in optimizer state):
// one greedy LZ77 pass with a small hash table, coded with deflate's fixed Huffman codes (what the
// best compressors choose at these sizes too, since a dynamic code's header costs more than it
// saves), or stored if that is smaller.
//
// libdeflate prepares 64-128 KiB of match-finder tables on every call, whatever the input size;
// for a 200-byte member that is nearly all the work. This encoder's table is 4 KiB. Past about
// 512 bytes of float data libdeflate's dynamic codes win, so larger inputs stay with it.
#pragma once

#include <cstddef>

#include "core/byte_buffer.h"

namespace chainerser::core {

// Inputs up to this size are for deflate_small.
constexpr size_t kSmallDeflateMax = 512;

// The raw deflate stream (one final block) of the `size` bytes at `data`; size <= kSmallDeflateMax.
ByteBuffer deflate_small(const void *data, size_t size);

}  // namespace chainerser::core
