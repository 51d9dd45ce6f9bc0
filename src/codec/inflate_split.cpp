#include "codec/inflate_split.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "codec/deflate_bits.h"
#include "codec/deflate_walk.h"
#include "codec/zlib_stream.h"

namespace chainerser::core {
namespace {

constexpr size_t kWindow = 32768;
// The first call's output is a scratch of this size at most (zlib's blocks decode to a few MiB).
constexpr uint64_t kMaxSplitHead = uint64_t(16) << 20;

// The head of the restarted stream: a stored block of the window (whole bytes), then as many
// empty fixed-Huffman blocks (10 bits each) as bring its end to `cut_bit`'s place within its
// byte; cut_bit must be even, as 10 k = cut_bit (mod 8) has a solution k only then. Written so
// that it ends at stream + cut_bit, merging its last bits into that byte. Returns its whole bytes.
size_t restart_bytes(size_t window, size_t cut_bit) { return 5 + window + (cut_bit % 8) / 2; }

void write_restart(unsigned char *stream, size_t cut_bit, const unsigned char *window, size_t window_size) {
    const unsigned r = unsigned(cut_bit % 8), empty_blocks = r / 2;
    unsigned char *at = stream + cut_bit / 8 - restart_bytes(window_size, cut_bit);
    at[0] = 0;  // BFINAL 0, BTYPE 00, padding
    at[1] = uint8_t(window_size), at[2] = uint8_t(window_size >> 8);
    at[3] = uint8_t(~window_size), at[4] = uint8_t(~window_size >> 8);
    std::memcpy(at + 5, window, window_size);
    uint32_t bits = 0;  // each empty fixed block: BFINAL 0, BTYPE 01 (LSB first), end-of-block 0000000
    for (unsigned k = 0; k < empty_blocks; ++k) bits |= 1u << (10 * k + 1);
    for (unsigned b = 0; b < r / 2; ++b) at[5 + window_size + b] = uint8_t(bits >> (8 * b));
    const unsigned mask = (1u << r) - 1;
    unsigned char &shared = stream[cut_bit / 8];
    shared = uint8_t((shared & ~mask) | ((bits >> (8 * (r / 2))) & mask));
}

// An empty dynamic block of an odd number of bits: two-symbol codes (literal 0 and end-of-block;
// distances 0 and 1; code lengths 1 and 18), all 19 code-length code lengths sent.
constexpr size_t kOddEmptyBlockBits = 3 + 5 + 5 + 4 + 3 * kPrecodeSymbols + 1 + 2 * (1 + 7) + 3 + 1;

void write_odd_empty_block(BitWriter &w) {
    w.put(0b100, 3);                  // BFINAL 0, BTYPE 10
    w.put(0, 5), w.put(1, 5), w.put(kPrecodeSymbols - 4, 4);  // 257 literal/length codes, 2 distance codes
    for (unsigned i = 0; i < kPrecodeSymbols; ++i) w.put(kPrecodeOrder[i] == 1 || kPrecodeOrder[i] == 18, 3);
    // Code lengths, with code-length codes 1 -> bit 0, 18 -> bit 1: literal 0 has length 1, 255
    // zeros (runs of 138 and 117), end-of-block and both distances length 1.
    w.put(0, 1);
    w.put(1, 1), w.put(138 - 11, 7);
    w.put(1, 1), w.put(117 - 11, 7);
    w.put(0, 1), w.put(0, 1), w.put(0, 1);
    w.put(1, 1);  // end-of-block: literal 0 -> bit 0, 256 -> bit 1
}

unsigned bit_at(const unsigned char *in, size_t bit) { return (in[bit / 8] >> (bit % 8)) & 1u; }

// The CRC-32 of the stream's first n output bytes, from zlib's streaming inflate; false if they
// cannot be decoded.
bool crc_of_head(const unsigned char *in, size_t in_size, size_t n, uint32_t &crc) {
    std::vector<unsigned char> head(n);
    RawInflateStream z;
    z.feed(in, in_size);
    size_t written = 0;
    while (written < n)
        if (z.inflate(head.data() + written, n - written, written) != RawInflateStream::Status::OutputFull) return false;
    crc = crc32_update(0, head.data(), n);
    return true;
}

}  // namespace

// Nothing is decoded twice. Most streams can take it: an npy header's closing newline is a
// literal, as no earlier byte of the header matches it.
bool inflate_from_symbol_cut(unsigned char *in, size_t in_size, uint64_t total, uint64_t skip, unsigned char *out,
                             uint32_t &crc) {
    SymbolCut cut;
    if (skip > kMaxSplitHead || !find_symbol_cut(in, in_size, skip, cut) || cut.bit / 8 >= in_size) return false;
    // What goes in front of in + cut.bit: [empty blocks][the reopened block's header].
    std::vector<bool> reopen;
    auto copy_bits = [&](size_t from, size_t to) {
        for (size_t b = from; b < to; ++b) reopen.push_back(bit_at(in, b));
    };
    auto put_bits = [&](uint32_t v, unsigned n) {
        for (unsigned b = 0; b < n; ++b) reopen.push_back((v >> b) & 1u);
    };
    switch (cut.kind) {
    case SymbolCut::BlockStart:
        break;
    case SymbolCut::InStored:  // a stored block of its remaining bytes
        put_bits(cut.final, 1), put_bits(0, 2), put_bits(0, 5);
        put_bits(cut.stored_left, 16), put_bits(~cut.stored_left & 0xffff, 16);
        break;
    case SymbolCut::InFixed:
        put_bits(cut.final, 1), put_bits(1, 2);
        break;
    case SymbolCut::InDynamic:
        copy_bits(cut.header_bit, cut.body_bit);
        break;
    }
    // Empty fixed blocks (10 bits each) bring the start to a byte boundary if the rest is even;
    // if it is odd, an empty dynamic block of odd length goes first.
    const bool odd = (cut.bit - reopen.size()) % 2 != 0;
    const size_t filler_bits = odd ? kOddEmptyBlockBits : 0;
    const size_t empty_blocks = ((cut.bit - reopen.size() - filler_bits) % 8) / 2;  // 10 k = the rest (mod 8)
    const size_t prefix_bits = 10 * empty_blocks + filler_bits + reopen.size();
    if (prefix_bits > cut.bit + 8 * kSplitHeadroom || cut.bit / 8 >= kSplitWritesBelow) return false;
    uint32_t head_crc;
    if (!crc_of_head(in, in_size, size_t(skip), head_crc)) return false;

    // Written over the bytes before the cut, or the headroom; the cut's byte keeps its upper bits.
    const ptrdiff_t start = (ptrdiff_t(cut.bit) - ptrdiff_t(prefix_bits)) / 8, cut_byte = ptrdiff_t(cut.bit / 8);
    std::vector<unsigned char> saved(in + start, in + cut_byte + 1);
    std::vector<unsigned char> prefix(size_t(cut_byte - start) + 1 + 8, 0);
    BitWriter w(prefix.data());
    for (size_t k = 0; k < empty_blocks; ++k) w.put(0b010, 3), w.put(0, 7);  // BFINAL 0, BTYPE 01, end-of-block
    if (odd) write_odd_empty_block(w);
    for (size_t b = 0; b < reopen.size(); ++b) w.put(reopen[b], 1);
    w.end();
    std::memcpy(in + start, prefix.data(), size_t(cut_byte - start));
    const unsigned keep = unsigned(cut.bit % 8), mask = (1u << keep) - 1;
    in[cut_byte] = uint8_t((in[cut_byte] & ~mask) | (prefix[size_t(cut_byte - start)] & mask));
    const bool ok = inflate_raw_exact(in + start, in_size - size_t(start), out, size_t(total - skip));
    std::memcpy(in + start, saved.data(), saved.size());
    if (!ok) return false;
    crc = crc32_concat(head_crc, crc32_update(0, out, size_t(total - skip)), total - skip);
    return true;
}

bool inflate_split(unsigned char *in, size_t in_size, uint64_t total, uint64_t skip, unsigned char *out,
                   uint32_t &crc) {
    if (skip > total) return false;
    if (inflate_from_symbol_cut(in, in_size, total, skip, out, crc)) return true;
    // The first block boundary past the skipped bytes will do: walking is as slow as inflating.
    BlockEnd cut;
    const bool found = walk_blocks(
        in, in_size, [&](const BlockEnd &b) { return b.final || b.decoded > kMaxSplitHead || (b.decoded > skip && b.end_bit % 2 == 0); },
        cut);
    if (!found || cut.final || cut.decoded > kMaxSplitHead || cut.decoded >= total || cut.end_bit / 8 >= kSplitWritesBelow)
        return false;

    // The blocks before the cut: their last one made final.
    const size_t flag_byte = cut.header_bit / 8, cut_byte = cut.end_bit / 8;
    const unsigned char flag = in[flag_byte];
    in[flag_byte] = uint8_t(flag | 1u << (cut.header_bit % 8));
    std::unique_ptr<unsigned char[]> head(new unsigned char[size_t(cut.decoded)]);
    const bool head_ok = inflate_raw_exact(in, (cut.end_bit + 7) / 8, head.get(), size_t(cut.decoded));
    in[flag_byte] = flag;
    if (!head_ok) return false;
    const size_t head_out = size_t(cut.decoded - skip);
    std::memcpy(out, head.get() + skip, head_out);
    crc = crc32_update(0, head.get(), size_t(cut.decoded));

    // The rest, restarted in front of the cut over bytes already inflated (or the headroom). The
    // window is what the output holds of the last 32 KiB before the cut; a back-reference past
    // it, into the skipped bytes, makes this call fail and the caller take the ordinary path.
    const size_t window = std::min(kWindow, head_out);
    const size_t restart = restart_bytes(window, cut.end_bit);
    const size_t saved_from = cut_byte >= restart ? cut_byte - restart : 0;
    std::vector<unsigned char> saved(in + saved_from, in + cut_byte + 1);
    unsigned char *tail_out = out + head_out - window;
    write_restart(in, cut.end_bit, tail_out, window);
    const size_t tail_size = size_t(total - cut.decoded) + window;
    const bool tail_ok = inflate_raw_exact(in + cut_byte - restart, in_size - cut_byte + restart, tail_out, tail_size);
    std::memcpy(in + saved_from, saved.data(), saved.size());
    if (!tail_ok) return false;
    crc = crc32_update(crc, out + head_out, size_t(total - cut.decoded));
    return true;
}

}  // namespace chainerser::core
