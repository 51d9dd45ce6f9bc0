// Small-input deflate: every stream must inflate exactly with zlib (what NumPy and Python's
// zipfile use) and libdeflate; its size is judged against libdeflate's own compressor on members
// like those of a large optimizer state; deflate_raw must use it for small inputs only.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "codec/small_deflate.h"
#include "support/deflate_check.h"

namespace {

using namespace chainerser::core;
using testsupport::libdeflate_size;
using testsupport::zlib_inflate;
using Bytes = std::vector<unsigned char>;

size_t expect_round_trip(const Bytes &data, const std::string &what) {
    SCOPED_TRACE(what + ", " + std::to_string(data.size()) + " bytes");
    const ByteBuffer stream = deflate_small(data.data(), data.size());
    testsupport::expect_inflates_to(stream, data);
    EXPECT_LE(stream.size(), data.size() + 5) << "larger than one stored block";
    return stream.size();
}

// An npy member as numpy writes it: the 128-byte header, then `count` float32 values.
Bytes npy_member(size_t count, std::mt19937 &rng) {
    std::string header = "\x93NUMPY\x01";
    header += '\0';
    header += "v";
    header += '\0';
    header += "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(count) + ",), }";
    header.resize(127, ' ');
    header += '\n';
    Bytes b(header.begin(), header.end());
    std::normal_distribution<float> normal(0.0f, 0.1f);
    for (size_t i = 0; i < count; ++i) {
        const float f = normal(rng);
        const auto *p = reinterpret_cast<const unsigned char *>(&f);
        b.insert(b.end(), p, p + 4);
    }
    return b;
}

TEST(SmallDeflate, EveryLengthUpToTheLimit) {
    std::mt19937 rng(1);
    for (size_t n = 0; n <= kSmallDeflateMax; ++n) {
        Bytes data(n);
        const unsigned alphabet = 1 + unsigned(n % 7) * 40;  // from one value to near-uniform
        for (unsigned char &c : data) c = static_cast<unsigned char>(rng() % alphabet);
        expect_round_trip(data, "alphabet " + std::to_string(alphabet));
    }
}

TEST(SmallDeflate, RunsAndRepeatsBecomeMatches) {
    EXPECT_LT(expect_round_trip(Bytes(kSmallDeflateMax, ' '), "one long run"), 10u);
    Bytes pattern;
    for (int i = 0; i < 30; ++i)  // 450 bytes
        for (unsigned char c : std::string("predictor/l1/W ")) pattern.push_back(c);
    EXPECT_LT(expect_round_trip(pattern, "repeated text"), pattern.size() / 5);
    // Matches of every length 3..258 at assorted distances.
    std::mt19937 rng(2);
    for (unsigned length = 3; length <= 258; length += 5) {
        Bytes data(40);
        for (unsigned char &c : data) c = static_cast<unsigned char>(rng());
        const size_t distance = 1 + rng() % data.size();
        for (unsigned k = 0; k < length; ++k) data.push_back(data[data.size() - distance]);
        expect_round_trip(data, "match of " + std::to_string(length));
    }
}

TEST(SmallDeflate, RandomBytesAreStored) {
    std::mt19937 rng(3);
    Bytes data(400);
    for (unsigned char &c : data) c = static_cast<unsigned char>(rng());
    EXPECT_EQ(expect_round_trip(data, "uniform random"), data.size() + 5);
}

TEST(SmallDeflate, NoLargerThanLibdeflateOnOptimizerStateMembers) {
    std::mt19937 rng(4);
    size_t ours = 0, theirs = 0;
    for (int i = 0; i < 2000; ++i) {
        const Bytes member = npy_member(1 + rng() % 64, rng);
        ours += expect_round_trip(member, "npy member");
        theirs += libdeflate_size(member, 6);
    }
    EXPECT_LE(ours, theirs + theirs / 100) << "more than 1% above libdeflate level 6";
}

TEST(DeflateRaw, SmallInputsUseTheSmallEncoder) {
    std::mt19937 rng(5);
    const Bytes member = npy_member(32, rng);
    const ByteSpan parts[2] = {{member.data(), 128}, {member.data() + 128, member.size() - 128}};
    const ByteBuffer chosen = deflate_raw(parts, 2, 6);
    const ByteBuffer small = deflate_small(member.data(), member.size());
    ASSERT_EQ(chosen.size(), small.size());
    EXPECT_EQ(std::memcmp(chosen.data(), small.data(), small.size()), 0);

    const Bytes larger = npy_member(200, rng);  // 928 bytes: libdeflate's dynamic codes do better
    const ByteSpan whole{larger.data(), larger.size()};
    EXPECT_EQ(deflate_raw(&whole, 1, 6).size(), libdeflate_size(larger, 6));
    const ByteSpan empty{nullptr, 0};
    EXPECT_EQ(zlib_inflate(deflate_raw(&empty, 1, 6), 0), Bytes());
}

}  // namespace
