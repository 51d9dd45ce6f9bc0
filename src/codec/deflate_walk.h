// Finding a raw deflate stream's final block without inflating it: a walker that parses block
// headers and consumes Huffman symbols, producing no output. libdeflate reports no block
// positions, and this is how deflate_join.h opens the end of a piece libdeflate wrote.
#pragma once

#include <cstddef>

namespace chainerser::core {

// Bit offsets, from the stream's first bit: the final block's header and the end of that block.
struct FinalBlock {
    size_t header_bit = 0, end_bit = 0;
};

// Walks the stream in[0, size) up to the end of its final block. False if it is malformed or
// ends before its final block does (it then reads nothing past `size`). It checks the structure
// (block types, code lengths, symbols, stored LEN/NLEN), not distances against the output.
bool find_final_block(const unsigned char *in, size_t size, FinalBlock &out);

}  // namespace chainerser::core
