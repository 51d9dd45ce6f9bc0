#include "codec/inflate_split.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "codec/deflate_walk.h"

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

}  // namespace

bool inflate_split(unsigned char *in, size_t in_size, uint64_t total, uint64_t skip, unsigned char *out,
                   uint32_t &crc) {
    if (skip > total) return false;
    // The first block boundary past the skipped bytes will do: walking is as slow as inflating.
    BlockEnd cut;
    const bool found = walk_blocks(
        in, in_size, [&](const BlockEnd &b) { return b.final || b.decoded > kMaxSplitHead || (b.decoded > skip && b.end_bit % 2 == 0); },
        cut);
    if (!found || cut.final || cut.decoded > kMaxSplitHead || cut.decoded >= total) return false;

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
