// Finding a raw deflate stream's block boundaries without inflating it: a walker that parses block
// headers and consumes Huffman symbols, producing no output. libdeflate reports no block
// positions; this is how deflate_join.h opens the end of a piece libdeflate wrote and how
// inflate_split.h cuts a stream in two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace chainerser::core {

// Bit offsets, from the stream's first bit: the final block's header and the end of that block.
struct FinalBlock {
    size_t header_bit = 0, end_bit = 0;
};

// Walks the stream in[0, size) up to the end of its final block. False if it is malformed or
// ends before its final block does (it then reads nothing past `size`). It checks the structure
// (block types, code lengths, symbols, stored LEN/NLEN), not distances against the output.
bool find_final_block(const unsigned char *in, size_t size, FinalBlock &out);

// Where a block ends: its header's and its end's bit offsets, and the bytes the stream decodes to
// up to its end.
struct BlockEnd {
    size_t header_bit = 0, end_bit = 0;
    uint64_t decoded = 0;
    bool final = false;
};

// Walks the blocks of in[0, size), asking `stop` after each one; true, with that block in `out`,
// once `stop` says so. False if the stream is malformed, ends early, or its final block passes
// unstopped. Byte counts are the symbols' lengths: distances are not checked against the output.
bool walk_blocks(const unsigned char *in, size_t size, const std::function<bool(const BlockEnd &)> &stop,
                 BlockEnd &out);

// A place where a stream can be restarted after exactly `decoded` bytes of output (inflate_split.h).
struct SymbolCut {
    enum Kind { BlockStart, InStored, InFixed, InDynamic } kind = BlockStart;
    // Bit offsets: the header of the block that `bit` lies in (or begins, for BlockStart), the end
    // of that header (a stored block's first data byte, the end of a dynamic block's code
    // lengths), and the cut itself, which a stored block's LEN/NLEN or Huffman symbol ends at.
    size_t header_bit = 0, body_bit = 0, bit = 0;
    bool final = false;        // of the block the cut lies in
    unsigned stored_left = 0;  // InStored: its bytes after the cut
};

// Walks in[0, size) to the first place where exactly `decoded` bytes lie behind: a block
// boundary, a byte of a stored block, or the start of a Huffman symbol. False if a match runs
// across that place, the stream is malformed, or it ends before.
bool find_symbol_cut(const unsigned char *in, size_t size, uint64_t decoded, SymbolCut &out);

}  // namespace chainerser::core
