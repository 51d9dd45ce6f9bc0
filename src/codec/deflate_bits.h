// Bit-level pieces shared by our deflate encoders (RFC 1951): an LSB-first bit writer, Huffman
// code bit order, and stored blocks.
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
