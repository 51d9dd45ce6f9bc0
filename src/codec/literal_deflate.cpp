#include "codec/literal_deflate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/deflate_bits.h"

namespace chainerser::core {
namespace {

constexpr size_t kBlockBytes = size_t(256) << 10;
constexpr int kMaxCodeBits = 15;    // literal/length code (RFC 1951)
constexpr int kMaxPrecodeBits = 7;  // code-length code
constexpr unsigned kEndOfBlock = 256;
constexpr unsigned kLitLenSymbols = 257;  // the literals and end-of-block: HLIT = 0
// No distance is ever sent, but zlib's inflate accepts only complete codes: two of one bit.
constexpr unsigned kDistSymbols = 2;

// Huffman code lengths for the n frequencies, at most max_bits long; unused symbols get 0. A code
// of one symbol would be incomplete, which inflate refuses: a second symbol is then given one.
void build_lengths(const uint32_t *freq, unsigned n, int max_bits, uint8_t *lengths) {
    std::vector<unsigned> used;  // symbols, least frequent first
    for (unsigned s = 0; s < n; ++s) {
        lengths[s] = 0;
        if (freq[s]) used.push_back(s);
    }
    for (unsigned s = 0; used.size() < 2; ++s)
        if (!freq[s]) used.insert(used.begin(), s);
    std::stable_sort(used.begin(), used.end(), [freq](unsigned a, unsigned b) { return freq[a] < freq[b]; });
    const size_t m = used.size();
    // Huffman's merge with two queues: the sorted leaves, then the internal nodes in the order made.
    std::vector<uint64_t> weight(2 * m - 1);
    std::vector<size_t> parent(2 * m - 1);
    for (size_t i = 0; i < m; ++i) weight[i] = freq[used[i]];  // 0 for an added partner
    size_t leaf = 0, inner = m;
    for (size_t made = m; made < 2 * m - 1; ++made) {
        size_t pick[2];
        for (size_t &p : pick) p = (leaf < m && (inner == made || weight[leaf] <= weight[inner])) ? leaf++ : inner++;
        weight[made] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = parent[pick[1]] = made;
    }
    std::vector<int> depth(2 * m - 1, 0);
    std::array<size_t, 64> count{};  // codes per length, overlong ones counted at max_bits
    for (size_t i = 2 * m - 1; i-- > 0;) {
        if (i + 1 < 2 * m - 1) depth[i] = depth[parent[i]] + 1;
        if (i < m) ++count[size_t(std::min(depth[i], max_bits))];
    }
    // Clamping broke the Kraft sum; repair it by lengthening the deepest codes that may still grow.
    uint64_t kraft = 0;
    for (int len = 1; len <= max_bits; ++len) kraft += uint64_t(count[size_t(len)]) << (max_bits - len);
    while (kraft > (uint64_t(1) << max_bits)) {
        --count[size_t(max_bits)];
        for (int len = max_bits - 1; len > 0; --len)
            if (count[size_t(len)]) {
                --count[size_t(len)];
                count[size_t(len) + 1] += 2;
                break;
            }
        --kraft;
    }
    // The least frequent symbols take the longest codes.
    size_t next = 0;
    for (int len = max_bits; len > 0; --len)
        for (size_t k = 0; k < count[size_t(len)]; ++k) lengths[used[next++]] = uint8_t(len);
}

// Canonical codes for the lengths, bit-reversed because deflate sends Huffman codes first bit first.
void assign_codes(const uint8_t *lengths, unsigned n, uint16_t *codes) {
    uint16_t per_length[kMaxCodeBits + 1] = {};
    for (unsigned s = 0; s < n; ++s) ++per_length[lengths[s]];
    per_length[0] = 0;
    uint16_t next[kMaxCodeBits + 2] = {};
    for (int len = 1; len <= kMaxCodeBits; ++len) next[len + 1] = uint16_t((next[len] + per_length[len]) << 1);
    for (unsigned s = 0; s < n; ++s) {
        const int len = lengths[s];
        if (!len) continue;
        codes[s] = reverse_bits(next[len]++, len);
    }
}

// One symbol of the run-length coded code lengths (RFC 1951 3.2.7), with its extra bits.
struct LengthRun {
    uint8_t symbol, extra;
};
constexpr int kExtraBits[kPrecodeSymbols] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7};

std::vector<LengthRun> run_length_code(const uint8_t *lengths, unsigned n) {
    std::vector<LengthRun> out;
    for (unsigned i = 0; i < n;) {
        const uint8_t v = lengths[i];
        unsigned run = 1;
        while (i + run < n && lengths[i + run] == v) ++run;
        i += run;
        if (v == 0) {
            for (; run >= 11; run -= std::min(run, 138u)) out.push_back({18, uint8_t(std::min(run, 138u) - 11)});
            if (run >= 3) {
                out.push_back({17, uint8_t(run - 3)});
                run = 0;
            }
        } else {
            out.push_back({v, 0});
            --run;
            for (; run >= 3; run -= std::min(run, 6u)) out.push_back({16, uint8_t(std::min(run, 6u) - 3)});
        }
        for (; run > 0; --run) out.push_back({v, 0});
    }
    return out;
}

// A block's dynamic Huffman header and literal code, and its exact size.
struct BlockPlan {
    uint8_t lengths[kLitLenSymbols + kDistSymbols];  // literal/length lengths, then distance lengths
    uint16_t codes[kLitLenSymbols] = {};
    std::vector<LengthRun> runs;
    uint8_t precode_lengths[kPrecodeSymbols];
    uint16_t precode_codes[kPrecodeSymbols] = {};
    unsigned precode_count;  // HCLEN + 4
    size_t bits;             // the whole block, header included
};

BlockPlan plan_block(const uint64_t (&histogram)[256]) {
    BlockPlan p;
    uint32_t freq[kLitLenSymbols];
    // Frequencies only need their proportions: scale down counts that would overflow 32 bits.
    for (unsigned s = 0; s < 256; ++s) freq[s] = uint32_t(std::min<uint64_t>(histogram[s], UINT32_MAX - 1));
    freq[kEndOfBlock] = 1;
    build_lengths(freq, kLitLenSymbols, kMaxCodeBits, p.lengths);
    p.lengths[kLitLenSymbols] = p.lengths[kLitLenSymbols + 1] = 1;
    assign_codes(p.lengths, kLitLenSymbols, p.codes);

    p.runs = run_length_code(p.lengths, kLitLenSymbols + kDistSymbols);
    uint32_t precode_freq[kPrecodeSymbols] = {};
    for (const LengthRun &r : p.runs) ++precode_freq[r.symbol];
    build_lengths(precode_freq, kPrecodeSymbols, kMaxPrecodeBits, p.precode_lengths);
    assign_codes(p.precode_lengths, kPrecodeSymbols, p.precode_codes);
    p.precode_count = kPrecodeSymbols;
    while (p.precode_count > 4 && p.precode_lengths[kPrecodeOrder[p.precode_count - 1]] == 0) --p.precode_count;

    p.bits = 3 + 5 + 5 + 4 + 3 * size_t(p.precode_count);
    for (const LengthRun &r : p.runs) p.bits += p.precode_lengths[r.symbol] + size_t(kExtraBits[r.symbol]);
    for (unsigned s = 0; s < 256; ++s) p.bits += size_t(histogram[s]) * p.lengths[s];
    p.bits += p.lengths[kEndOfBlock];
    return p;
}

void count_bytes(const unsigned char *data, size_t size, uint64_t (&histogram)[256]) {
    // Four tables, so that runs of one byte value do not serialise on a single counter.
    uint32_t part[4][256] = {};
    size_t i = 0;
    for (; i + 4 <= size; i += 4) {
        ++part[0][data[i]];
        ++part[1][data[i + 1]];
        ++part[2][data[i + 2]];
        ++part[3][data[i + 3]];
    }
    for (; i < size; ++i) ++part[0][data[i]];
    for (unsigned s = 0; s < 256; ++s) histogram[s] = uint64_t(part[0][s]) + part[1][s] + part[2][s] + part[3][s];
}


void write_huffman(BitWriter &w, const BlockPlan &p, const unsigned char *data, size_t size, bool final) {
    w.put(final, 1);
    w.put(2, 2);  // dynamic Huffman codes
    w.put(kLitLenSymbols - 257, 5);
    w.put(kDistSymbols - 1, 5);
    w.put(p.precode_count - 4, 4);
    for (unsigned i = 0; i < p.precode_count; ++i) w.put(p.precode_lengths[kPrecodeOrder[i]], 3);
    for (const LengthRun &r : p.runs) {
        w.put(p.precode_codes[r.symbol], p.precode_lengths[r.symbol]);
        if (kExtraBits[r.symbol]) w.put(r.extra, unsigned(kExtraBits[r.symbol]));
    }
    for (size_t i = 0; i < size; ++i) w.put(p.codes[data[i]], p.lengths[data[i]]);
    w.put(p.codes[kEndOfBlock], p.lengths[kEndOfBlock]);
}

}  // namespace

ByteBuffer deflate_literals(const void *data, size_t size, bool final) {
    const auto *in = static_cast<const unsigned char *>(data);
    const size_t blocks = size == 0 ? 1 : (size + kBlockBytes - 1) / kBlockBytes;
    // A block is written as Huffman codes only if that is smaller than storing it, whose LEN, NLEN,
    // header bits and padding take under 6 bytes per stored block.
    const size_t bound = size + 6 * (size / kMaxStoredBytes + 2 * blocks) + 24;
    ByteBuffer out(bound);
    BitWriter w(out.data());
    for (size_t b = 0; b < blocks; ++b) {
        const size_t at = b * kBlockBytes, n = std::min(size - at, kBlockBytes);
        const bool last = final && b + 1 == blocks;
        uint64_t histogram[256];
        count_bytes(in + at, n, histogram);
        const BlockPlan plan = plan_block(histogram);
        if (plan.bits < stored_bits(n))
            write_huffman(w, plan, in + at, n, last);
        else
            write_stored(w, in + at, n, last);
    }
    if (!final) {  // ends on a byte boundary, with kPieceEnd (deflate_join.h)
        write_stored(w, nullptr, 0, false);
        write_stored(w, nullptr, 0, false);
    }
    out.shrink(size_t(w.end() - out.data()));
    return out;
}

size_t literal_block_bits(const void *data, size_t size) {
    uint64_t histogram[256];
    count_bytes(static_cast<const unsigned char *>(data), size, histogram);
    return plan_block(histogram).bits;
}

}  // namespace chainerser::core
