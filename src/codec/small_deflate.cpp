#include "codec/small_deflate.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/error.h"
#include "codec/deflate_bits.h"

namespace chainerser::core {
namespace {

constexpr unsigned kMinMatch = 3, kMaxMatch = 258;
constexpr unsigned kHashBits = 10;

// The symbol whose base is the largest not above `value`.
template <size_t N>
size_t symbol_of(const uint16_t (&base)[N], unsigned value) {
    return size_t(std::upper_bound(base, base + N, value) - base) - 1;
}

// RFC 1951 3.2.6: the fixed literal/length code.
void put_fixed_litlen(BitWriter &w, unsigned symbol) {
    if (symbol < 144)
        w.put(reverse_bits(uint16_t(0x30 + symbol), 8), 8);
    else if (symbol < 256)
        w.put(reverse_bits(uint16_t(0x190 + symbol - 144), 9), 9);
    else if (symbol < 280)
        w.put(reverse_bits(uint16_t(symbol - 256), 7), 7);
    else
        w.put(reverse_bits(uint16_t(0xC0 + symbol - 280), 8), 8);
}

void put_match(BitWriter &w, unsigned length, unsigned distance) {
    const size_t l = symbol_of(kLengthBase, length);
    put_fixed_litlen(w, unsigned(257 + l));
    if (kLengthExtra[l]) w.put(length - kLengthBase[l], kLengthExtra[l]);
    const size_t d = symbol_of(kDistanceBase, distance);
    w.put(reverse_bits(uint16_t(d), 5), 5);
    if (kDistanceExtra[d]) w.put(distance - kDistanceBase[d], kDistanceExtra[d]);
}

uint32_t hash3(const unsigned char *p) {
    const uint32_t v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16;
    return (v * 2654435761u) >> (32 - kHashBits);
}

}  // namespace

ByteBuffer deflate_small(const void *data, size_t size) {
    if (size > kSmallDeflateMax) fail(SER_EINTERNAL, "deflate_small given " + std::to_string(size) + " bytes");
    const auto *in = static_cast<const unsigned char *>(data);
    // Fixed codes spend at most 9 bits on a literal and fewer per byte on a match; +8 for the end
    // of block and the bit writer's last word. Stored needs size + 5.
    ByteBuffer out(size + size / 8 + 16);
    BitWriter w(out.data());
    w.put(1, 1);  // final
    w.put(1, 2);  // fixed Huffman codes
    int32_t last[size_t(1) << kHashBits];  // the latest position with each hash, or -1
    std::memset(last, 0xff, sizeof last);
    for (size_t i = 0; i < size;) {
        unsigned length = 0;
        size_t from = 0;
        if (size - i >= kMinMatch) {
            const uint32_t h = hash3(in + i);
            if (last[h] >= 0) {
                from = size_t(last[h]);
                const size_t limit = std::min<size_t>(kMaxMatch, size - i);
                while (length < limit && in[from + length] == in[i + length]) ++length;
            }
            last[h] = int32_t(i);
        }
        if (length < kMinMatch) {
            put_fixed_litlen(w, in[i++]);
            continue;
        }
        put_match(w, length, unsigned(i - from));
        for (size_t end = i + length, j = i + 1; j < end && size - j >= kMinMatch; ++j) last[hash3(in + j)] = int32_t(j);
        i += length;
    }
    put_fixed_litlen(w, 256);
    size_t n = size_t(w.end() - out.data());
    if (n > size + 5) {  // stored is smaller: start again
        BitWriter stored(out.data());
        write_stored(stored, in, size, true);
        n = size_t(stored.end() - out.data());
    }
    out.shrink(n);
    return out;
}

}  // namespace chainerser::core
