// Literal-only deflate: every stream must inflate exactly with both zlib (what NumPy and Python's
// zipfile use) and libdeflate, whatever the byte statistics; its size is judged against libdeflate's
// own compressor; deflate_raw must pick it only where matches gain nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "codec/literal_deflate.h"
#include "support/deflate_check.h"

namespace {

using namespace chainerser::core;
using testsupport::libdeflate_size;
using testsupport::random_bytes;
using Bytes = std::vector<unsigned char>;

void expect_round_trip(const Bytes &data, const std::string &what) {
    SCOPED_TRACE(what + ", " + std::to_string(data.size()) + " bytes");
    const ByteBuffer stream = deflate_literals(data.data(), data.size());
    testsupport::expect_inflates_to(stream, data);
    // Never worse than storing: 5 bytes per 64 KiB stored block, and per 256 KiB literal block.
    EXPECT_LE(stream.size(), data.size() + 6 * (data.size() / 65535 + 2 * (data.size() / 262144 + 1)));
}

// float32 like a trained layer's weights: random mantissas, skewed exponents.
Bytes normal_floats(size_t count, float sigma, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, sigma);
    Bytes b(count * 4);
    for (size_t i = 0; i < count; ++i) {
        const float f = normal(rng);
        std::memcpy(&b[i * 4], &f, 4);
    }
    return b;
}

TEST(LiteralDeflate, TrivialInputs) {
    expect_round_trip({}, "empty");
    expect_round_trip({42}, "one byte");
    expect_round_trip(Bytes(100000, 0), "one value");
    Bytes two(70000);
    for (size_t i = 0; i < two.size(); ++i) two[i] = i % 7 ? 'a' : 'b';
    expect_round_trip(two, "two values");
}

TEST(LiteralDeflate, BlockAndStoredBoundaries) {
    // 262144 is the literal block size, 65535 the largest stored block.
    for (size_t n : {65534, 65535, 65536, 131070, 262143, 262144, 262145, 3 * 262144 + 17}) {
        expect_round_trip(normal_floats(n / 4, 0.05f, uint32_t(n)), "floats");
        Bytes tail = normal_floats(n / 4 + 1, 0.05f, uint32_t(n));
        tail.resize(n);
        expect_round_trip(tail, "floats cut mid-value");
    }
}

TEST(LiteralDeflate, IncompressibleBlocksAreStored) {
    const Bytes data = random_bytes(600000, 7);
    expect_round_trip(data, "uniform random");
    const ByteBuffer stream = deflate_literals(data.data(), data.size());
    // Stored: the bytes appear verbatim in the stream.
    EXPECT_NE(std::search(stream.data(), stream.data() + stream.size(), data.begin(), data.begin() + 60000),
              stream.data() + stream.size());
}

TEST(LiteralDeflate, SkewedCountsNeedCodesLimitedTo15Bits) {
    // Byte k occurs fib(k) times: an unlimited Huffman code would be 23 bits deep.
    Bytes data;
    uint64_t a = 1, b = 1;
    for (int k = 0; k < 24; ++k) {
        data.insert(data.end(), size_t(a), static_cast<unsigned char>(k));
        const uint64_t next = a + b;
        a = b;
        b = next;
    }
    std::shuffle(data.begin(), data.end(), std::mt19937(3));
    ASSERT_LT(data.size(), size_t(262144)) << "must fit one block to force the limit";
    expect_round_trip(data, "fibonacci counts");
    // Within a block, also mixed with every other byte value once.
    for (int v = 0; v < 256; ++v) data.push_back(static_cast<unsigned char>(v));
    expect_round_trip(data, "fibonacci counts plus all values");
}

TEST(LiteralDeflate, ManyDistributionsRoundTrip) {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 60; ++trial) {
        const size_t n = size_t(rng() % 400000);
        const double p = 0.02 + 0.9 * (trial / 60.0);  // geometric: from near-uniform to very skewed
        std::geometric_distribution<int> geo(p);
        Bytes data(n);
        for (unsigned char &c : data) c = static_cast<unsigned char>(std::min(geo(rng), 255));
        expect_round_trip(data, "geometric p=" + std::to_string(p));
    }
}

TEST(LiteralDeflate, BlockBitsIsTheSizeItWrites) {
    for (const Bytes &data : {normal_floats(50000, 0.02f, 1), Bytes(1000, 9), random_bytes(5000, 2)}) {
        const size_t bits = literal_block_bits(data.data(), data.size());
        const ByteBuffer stream = deflate_literals(data.data(), data.size());
        if (bits >= data.size() * 8) continue;  // stored instead
        EXPECT_LE(bits, stream.size() * 8);
        EXPECT_GT(bits + 8, stream.size() * 8);
    }
}

TEST(LiteralDeflate, MatchesLibdeflateSizeOnTrainedWeights) {
    const Bytes data = normal_floats(1 << 20, 0.02f, 5);  // 4 MiB
    const ByteBuffer stream = deflate_literals(data.data(), data.size());
    const size_t reference = libdeflate_size(data, 6);
    EXPECT_LT(stream.size(), data.size() * 97 / 100) << "the exponent bytes' skew is not exploited";
    EXPECT_LE(stream.size(), reference + reference / 200) << "more than 0.5% above libdeflate level 6";
}

TEST(DeflateRaw, PicksLiteralsOnlyWhereMatchesGainNothing) {
    const Bytes weights = normal_floats(1 << 19, 0.02f, 8);  // 2 MiB of random mantissas
    const ByteSpan whole{weights.data(), weights.size()};
    const ByteBuffer chosen = deflate_raw(&whole, 1, 6);
    const ByteBuffer literal = deflate_literals(weights.data(), weights.size());
    ASSERT_EQ(chosen.size(), literal.size());
    EXPECT_EQ(std::memcmp(chosen.data(), literal.data(), literal.size()), 0);

    // Mantissas rounded to 8 bits and a run of zeros, like Adam moments: repeats matter.
    Bytes rounded = weights;
    for (size_t i = 0; i < rounded.size(); i += 4) rounded[i] = rounded[i + 1] = 0;
    std::fill(rounded.begin(), rounded.begin() + long(rounded.size() / 2), 0);
    const ByteSpan r{rounded.data(), rounded.size()};
    const ByteBuffer matched = deflate_raw(&r, 1, 6);
    const ByteBuffer literal_r = deflate_literals(rounded.data(), rounded.size());
    EXPECT_LT(matched.size() * 1005, literal_r.size() * 1000);
    EXPECT_EQ(matched.size(), libdeflate_size(rounded, 6));

    // Below the sampling size libdeflate is always used.
    const ByteSpan small{weights.data(), 100000};
    EXPECT_EQ(deflate_raw(&small, 1, 6).size(), libdeflate_size(Bytes(weights.begin(), weights.begin() + 100000), 6));
    // Level 0 stays stored blocks.
    EXPECT_GE(deflate_raw(&whole, 1, 0).size(), weights.size());
}

}  // namespace
