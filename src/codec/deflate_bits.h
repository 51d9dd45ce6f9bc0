// Bit-level pieces shared by our deflate encoders (RFC 1951): an LSB-first bit writer, Huffman
// code bit order, RFC 1951's symbol tables, and stored blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace chainerser::core {

class BitWriter {
public:
    explicit BitWriter(unsigned char *out) : out_(out) {}

    void put(uint32_t bits, unsigned n) {  // n <= 16
        buffer_ |= uint64_t(bits) << count_;
        count_ += n;
        if (count_ >= 32) {
            for (int b = 0; b < 4; ++b) *out_++ = static_cast<unsigned char>(buffer_ >> (8 * b));
            buffer_ >>= 32;
            count_ -= 32;
        }
    }

    void align() {
        for (; count_ > 0; count_ = count_ > 8 ? count_ - 8 : 0, buffer_ >>= 8)
            *out_++ = static_cast<unsigned char>(buffer_);
        buffer_ = 0;
    }

    void copy(const unsigned char *data, size_t size) {  // after align()
        if (size) std::memcpy(out_, data, size);  // data may be null when size is 0
        out_ += size;
    }

    unsigned char *end() {
        align();
        return out_;
    }

private:
    unsigned char *out_;
    uint64_t buffer_ = 0;
    unsigned count_ = 0;
};

// Deflate sends a Huffman code's first bit first: the canonical code, bit-reversed.
inline uint16_t reverse_bits(uint16_t code, int length) {
    uint16_t reversed = 0;
    for (int b = 0; b < length; ++b) reversed = uint16_t(reversed << 1 | ((code >> b) & 1));
    return reversed;
}

// RFC 1951 3.2.5: length symbols 257-285 and distance symbols 0-29, by their base value.
constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistanceBase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistanceExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// The code-length code's symbols (RFC 1951 3.2.7), in the order a dynamic header sends their lengths.
constexpr unsigned kPrecodeSymbols = 19;
constexpr uint8_t kPrecodeOrder[kPrecodeSymbols] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

constexpr size_t kMaxStoredBytes = 65535;

inline size_t stored_blocks(size_t size) { return size == 0 ? 1 : (size + kMaxStoredBytes - 1) / kMaxStoredBytes; }

// Upper bound of the stored encoding's bits: each block's 3 header bits, padding and LEN/NLEN.
inline size_t stored_bits(size_t size) { return size * 8 + stored_blocks(size) * (3 + 7 + 32); }

inline void write_stored(BitWriter &w, const unsigned char *data, size_t size, bool final) {
    const size_t blocks = stored_blocks(size);
    for (size_t b = 0; b < blocks; ++b) {
        const size_t n = std::min(size - b * kMaxStoredBytes, kMaxStoredBytes);
        w.put(final && b + 1 == blocks, 1);
        w.put(0, 2);
        w.align();
        const unsigned char len[4] = {uint8_t(n), uint8_t(n >> 8), uint8_t(~n), uint8_t(~n >> 8)};
        w.copy(len, 4);
        w.copy(data + b * kMaxStoredBytes, n);
    }
}

}  // namespace chainerser::core
