// Raw deflate streams made of literals only: each block carries its own Huffman code for the bytes
// it holds, with no search for repeats.
//
// A trained network's float32 weights have random mantissas; deflate can only exploit the skew of
// their sign/exponent bytes, which a per-block literal code captures. On such data libdeflate
// (at any level) spends its time looking for matches it does not find and runs at ~70 MB/s per
// core; this encoder reaches the same size an order of magnitude faster. Blocks that would grow
// are stored instead, so the output never exceeds the input by more than a few bytes per block.
#pragma once

#include <cstddef>

#include "core/byte_buffer.h"

namespace chainerser::core {

// The raw deflate stream (ending with a final block) of the `size` bytes at `data`. Without
// `final`, it ends with kPieceEnd instead, so that another stream can follow (deflate_join.h).
ByteBuffer deflate_literals(const void *data, size_t size, bool final = true);

// The exact size in bits that deflate_literals gives `size` bytes at `data` as one block
// (without the stored-block fallback): for comparing with a matching compressor on a sample.
size_t literal_block_bits(const void *data, size_t size);

}  // namespace chainerser::core
