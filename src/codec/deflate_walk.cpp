#include "codec/deflate_walk.h"

#include <cstdint>
#include <cstring>
#include <functional>

#include "codec/deflate_bits.h"

namespace chainerser::core {
namespace {

class BitReader {
public:
    BitReader(const unsigned char *in, size_t size) : begin_(in), next_(in), end_(in + size) {}

    // At least 56 bits in the buffer; past the end they are zeros, counted in overread_.
    void refill() {
        if (end_ - next_ >= 8) {
            uint64_t word;
            std::memcpy(&word, next_, 8);
            buf_ |= word << count_;  // little-endian hosts only, as the rest of the writer
            next_ += (63 - count_) >> 3;
            count_ |= 56;
            return;
        }
        while (count_ <= 56) {
            if (next_ < end_) buf_ |= uint64_t(*next_++) << count_;
            else ++overread_;
            count_ += 8;
        }
    }

    uint32_t peek(unsigned n) const { return uint32_t(buf_ & ((uint64_t(1) << n) - 1)); }
    void drop(unsigned n) {
        buf_ >>= n;
        count_ -= n;
    }
    uint32_t take(unsigned n) {  // n <= 32, after refill()
        const uint32_t v = peek(n);
        drop(n);
        return v;
    }

    size_t bit() const { return size_t(next_ - begin_ + overread_) * 8 - count_; }
    bool overrun() const { return bit() > size_t(end_ - begin_) * 8; }
    // A cheaper test for the symbol loop, which bounds it: it consumes a bit or more per symbol.
    bool far_past_end() const { return overread_ > 8; }

    // Stored blocks: to the next byte boundary, then `n` whole bytes further.
    size_t byte_after_align() const { return (bit() + 7) / 8; }
    void seek_byte(size_t at) {
        const size_t size = size_t(end_ - begin_);
        next_ = begin_ + (at < size ? at : size);
        overread_ = at < size ? 0 : at - size;
        buf_ = 0;
        count_ = 0;
    }

private:
    const unsigned char *begin_, *next_, *end_;
    size_t overread_ = 0;
    uint64_t buf_ = 0;
    unsigned count_ = 0;
};

constexpr int kMaxBits = 15;
constexpr unsigned kTableBits = 10;

// A canonical Huffman decoder: codes of at most kTableBits bits from one lookup, longer ones
// (rare by construction) bit by bit as in zlib's puff.
struct Huffman {
    uint16_t count[kMaxBits + 1];
    uint16_t symbol[288];
    uint16_t table[1u << kTableBits];  // symbol << 4 | length; 0: not in the table

    // False if the lengths over-subscribe the code. Incomplete codes are accepted; a bit
    // pattern that matches no code fails when decoded.
    bool build(const uint8_t *lengths, unsigned n) {
        std::memset(count, 0, sizeof count);
        for (unsigned s = 0; s < n; ++s) ++count[lengths[s]];
        int left = 1;
        for (int len = 1; len <= kMaxBits; ++len) {
            left = (left << 1) - count[len];
            if (left < 0) return false;
        }
        uint16_t offset[kMaxBits + 2] = {};
        for (int len = 1; len <= kMaxBits; ++len) offset[len + 1] = uint16_t(offset[len] + count[len]);
        uint16_t code[kMaxBits + 2] = {};
        for (int len = 1; len <= kMaxBits; ++len) code[len + 1] = uint16_t((code[len] + count[len]) << 1);
        std::memset(table, 0, sizeof table);
        for (unsigned s = 0; s < n; ++s) {
            const unsigned len = lengths[s];
            if (!len) continue;
            symbol[offset[len]++] = uint16_t(s);
            const uint16_t c = code[len]++;
            if (len > kTableBits) continue;
            for (unsigned i = reverse_bits(c, int(len)); i < (1u << kTableBits); i += 1u << len)
                table[i] = uint16_t(s << 4 | len);
        }
        return true;
    }

    // The next symbol, or -1 if no code matches; after refill().
    int decode(BitReader &r) const {
        const uint16_t e = table[r.peek(kTableBits)];
        if (e) {
            r.drop(e & 15);
            return e >> 4;
        }
        const uint32_t bits = r.peek(kMaxBits);
        int code = 0, first = 0, index = 0;
        for (int len = 1; len <= kMaxBits; ++len) {
            code |= int(bits >> (len - 1)) & 1;
            const int n = count[len];
            if (code - first < n) {
                r.drop(unsigned(len));
                return symbol[index + code - first];
            }
            index += n;
            first = (first + n) << 1;
            code <<= 1;
        }
        return -1;
    }
};

constexpr unsigned kEndOfBlock = 256;

// The Huffman codes of a fixed block (RFC 1951 3.2.6).
void fixed_lengths(uint8_t (&litlen)[288], uint8_t (&dist)[32]) {
    for (unsigned s = 0; s < 288; ++s) litlen[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    std::memset(dist, 5, sizeof dist);
}

// A dynamic block's header after its 3 type bits (RFC 1951 3.2.7).
bool read_dynamic_lengths(BitReader &r, uint8_t (&litlen)[288], unsigned &nlit, uint8_t (&dist)[32], unsigned &ndist) {
    r.refill();
    nlit = r.take(5) + 257;
    ndist = r.take(5) + 1;
    const unsigned nprecode = r.take(4) + 4;
    if (nlit > 286 || ndist > 30) return false;
    uint8_t precode_lengths[kPrecodeSymbols] = {};
    for (unsigned i = 0; i < nprecode; ++i) {
        r.refill();
        precode_lengths[kPrecodeOrder[i]] = uint8_t(r.take(3));
    }
    Huffman precode;
    if (!precode.build(precode_lengths, kPrecodeSymbols)) return false;
    uint8_t lengths[286 + 30];
    for (unsigned i = 0; i < nlit + ndist;) {
        r.refill();
        const int sym = precode.decode(r);
        if (sym < 0) return false;
        if (sym < 16) {
            lengths[i++] = uint8_t(sym);
            continue;
        }
        uint8_t value = 0;
        unsigned run;
        if (sym == 16) {
            if (i == 0) return false;
            value = lengths[i - 1];
            run = 3 + r.take(2);
        } else {
            run = sym == 17 ? 3 + r.take(3) : 11 + r.take(7);
        }
        if (run > nlit + ndist - i) return false;
        std::memset(lengths + i, value, run);
        i += run;
    }
    if (r.overrun() || lengths[kEndOfBlock] == 0) return false;
    std::memcpy(litlen, lengths, nlit);
    std::memcpy(dist, lengths + nlit, ndist);
    return true;
}

// The codes of a Huffman block (type 1 fixed, 2 dynamic), after its type bits; false if malformed.
struct BlockCodes {
    Huffman litlen, dist;
    bool read(BitReader &r, unsigned type) {
        uint8_t litlen_lengths[288], dist_lengths[32];
        unsigned nlit = 288, ndist = 32;
        if (type == 1) fixed_lengths(litlen_lengths, dist_lengths);
        else if (!read_dynamic_lengths(r, litlen_lengths, nlit, dist_lengths, ndist)) return false;
        return litlen.build(litlen_lengths, nlit) && dist.build(dist_lengths, ndist);
    }
};

enum class Symbols { EndOfBlock, Reached, Passed, Malformed };

// Consumes a Huffman block's symbols up to its end-of-block code, counting the bytes they decode
// to, or up to the first symbol that begins once `stop_at` bytes are decoded (Reached if exactly
// that many, Passed if a match ran beyond).
Symbols skip_symbols(BitReader &r, const Huffman &litlen, const Huffman &dist, uint64_t &decoded,
                     uint64_t stop_at = UINT64_MAX) {
    for (;;) {
        if (decoded >= stop_at) return decoded == stop_at ? Symbols::Reached : Symbols::Passed;
        r.refill();
        if (r.far_past_end()) return Symbols::Malformed;
        const int sym = litlen.decode(r);
        if (sym < 256) {
            if (sym < 0) return Symbols::Malformed;
            ++decoded;
            continue;
        }
        if (sym == int(kEndOfBlock)) return r.overrun() ? Symbols::Malformed : Symbols::EndOfBlock;
        if (sym > 285) return Symbols::Malformed;
        decoded += kLengthBase[sym - 257] + r.take(kLengthExtra[sym - 257]);
        const int d = dist.decode(r);
        if (d < 0 || d > 29) return Symbols::Malformed;
        r.drop(kDistanceExtra[d]);
    }
}

// A block's first bits: BFINAL, BTYPE and, for a stored block, LEN/NLEN (`at` is then its
// first data byte, `len` its size). False if malformed.
struct BlockHeader {
    bool final;
    unsigned type;
    size_t at = 0;
    unsigned len = 0;
    bool read(const unsigned char *in, size_t size, BitReader &r) {
        r.refill();
        final = r.take(1);
        type = r.take(2);
        if (type == 3) return false;
        if (type != 0) return true;
        const size_t header = r.byte_after_align();
        if (header + 4 > size) return false;
        len = unsigned(in[header] | in[header + 1] << 8);
        const unsigned nlen = unsigned(in[header + 2] | in[header + 3] << 8);
        at = header + 4;
        return (len ^ nlen) == 0xffff && at + len <= size;
    }
};

}  // namespace

bool walk_blocks(const unsigned char *in, size_t size, const std::function<bool(const BlockEnd &)> &stop,
                 BlockEnd &out) {
    BitReader r(in, size);
    BlockCodes codes;
    BlockEnd block;
    for (;;) {
        block.header_bit = r.bit();
        BlockHeader h;
        if (!h.read(in, size, r)) return false;
        block.final = h.final;
        if (h.type == 0) {
            r.seek_byte(h.at + h.len);
            block.decoded += h.len;
        } else if (!codes.read(r, h.type) || skip_symbols(r, codes.litlen, codes.dist, block.decoded) != Symbols::EndOfBlock) {
            return false;
        }
        block.end_bit = r.bit();
        if (stop(block)) {
            out = block;
            return true;
        }
        if (block.final) return false;
    }
}

bool find_symbol_cut(const unsigned char *in, size_t size, uint64_t decoded, SymbolCut &out) {
    BitReader r(in, size);
    BlockCodes codes;
    uint64_t done = 0;
    for (;;) {
        SymbolCut cut;
        cut.header_bit = r.bit();
        if (done == decoded) {  // a block boundary
            cut.kind = SymbolCut::BlockStart;
            cut.body_bit = cut.bit = cut.header_bit;
            out = cut;
            return cut.bit <= size * 8;
        }
        BlockHeader h;
        if (!h.read(in, size, r)) return false;
        cut.final = h.final;
        if (h.type == 0) {
            if (decoded < done + h.len) {
                cut.kind = SymbolCut::InStored;
                cut.body_bit = h.at * 8;
                cut.bit = size_t(h.at + (decoded - done)) * 8;
                cut.stored_left = unsigned(done + h.len - decoded);
                out = cut;
                return true;
            }
            r.seek_byte(h.at + h.len);
            done += h.len;
        } else {
            cut.kind = h.type == 1 ? SymbolCut::InFixed : SymbolCut::InDynamic;
            if (!codes.read(r, h.type)) return false;
            cut.body_bit = r.bit();
            switch (skip_symbols(r, codes.litlen, codes.dist, done, decoded)) {
            case Symbols::Reached:
                cut.bit = r.bit();
                out = cut;
                return !r.overrun();
            case Symbols::EndOfBlock:
                break;
            default:
                return false;
            }
        }
        if (r.overrun() || cut.final) return false;
    }
}

bool find_final_block(const unsigned char *in, size_t size, FinalBlock &out) {
    BlockEnd last;
    if (!walk_blocks(in, size, [](const BlockEnd &b) { return b.final; }, last)) return false;
    out.header_bit = last.header_bit;
    out.end_bit = last.end_bit;
    return true;
}

}  // namespace chainerser::core
