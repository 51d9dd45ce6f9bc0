// Pieces deflated independently and joined into one stream (src/npz/deflate_join.cpp, and
// deflate_raw / deflate_literals without `final`): the concatenation must inflate, with zlib and
// with libdeflate, to exactly the concatenated inputs.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "codec/deflate_join.h"
#include "codec/literal_deflate.h"
#include "support/deflate_check.h"

namespace {

using chainerser::core::ByteBuffer;
using chainerser::core::ByteSpan;
using Bytes = std::vector<unsigned char>;
using testsupport::random_bytes;

// Every piece but the last deflated without `final`, the streams appended to one another.
ByteBuffer joined_stream(const std::vector<Bytes> &pieces, int level) {
    std::vector<ByteBuffer> streams;
    size_t total = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        const ByteSpan in{pieces[i].data(), pieces[i].size()};
        streams.push_back(chainerser::core::deflate_raw(&in, 1, level, i + 1 == pieces.size()));
        total += streams.back().size();
    }
    ByteBuffer out(total);
    size_t at = 0;
    for (const ByteBuffer &s : streams) std::memcpy(out.data() + at, s.data(), s.size()), at += s.size();
    return out;
}

void expect_inflates_to(const ByteBuffer &stream, const std::vector<Bytes> &pieces) {
    Bytes whole;
    for (const Bytes &p : pieces) whole.insert(whole.end(), p.begin(), p.end());
    testsupport::expect_inflates_to(stream, whole);
}

Bytes zeros(size_t n) { return Bytes(n, 0); }

// float32 normal(0, 0.02) with the mantissa rounded to 8 bits, mostly zeros after `zero_from`:
// libdeflate's kind of input (matches pay), unlike random mantissas.
Bytes trained_like(size_t floats, size_t zero_from, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.f, 0.02f);
    Bytes b(floats * 4);
    for (size_t i = 0; i < floats; ++i) {
        float v = i < zero_from ? normal(rng) : 0.f;
        uint32_t u;
        std::memcpy(&u, &v, 4);
        u &= 0xffff8000u;
        std::memcpy(b.data() + 4 * i, &u, 4);
    }
    return b;
}

Bytes text(size_t n) {
    const std::string line = "predictor/res2/a/conv1/W mean 0.0012 std 0.0203\n";
    Bytes b;
    while (b.size() < n) b.insert(b.end(), line.begin(), line.end());
    b.resize(n);
    return b;
}

TEST(DeflateJoin, PiecesOfEveryKindJoinAtEveryLevel) {
    const std::vector<Bytes> kinds = {zeros(300000), random_bytes(200000, 1), trained_like(150000, 100000, 2),
                                      text(250000), zeros(1), Bytes{}};
    for (int level : {1, 4, 6, 9}) {
        SCOPED_TRACE(level);
        for (size_t a = 0; a < kinds.size(); ++a)
            for (size_t b = 0; b < kinds.size(); ++b) {
                SCOPED_TRACE(std::to_string(a) + " then " + std::to_string(b));
                const std::vector<Bytes> pieces = {kinds[a], kinds[b], kinds[(a + b) % kinds.size()]};
                expect_inflates_to(joined_stream(pieces, level), pieces);
            }
    }
}

// Random mantissas take the literal-only encoder (pieces of 1 MiB or more), which writes the open
// end itself; libdeflate's streams are opened by scanning them.
TEST(DeflateJoin, LiteralOnlyPiecesJoinWithLibdeflatePieces) {
    const size_t mib = size_t(1) << 20;
    const std::vector<Bytes> pieces = {random_bytes(2 * mib + 17, 3), trained_like(mib / 2, mib / 4, 4),
                                       random_bytes(mib, 5), zeros(3 * mib)};
    expect_inflates_to(joined_stream(pieces, 6), pieces);
}

TEST(DeflateJoin, AnOpenedStreamEndsOnAByteBoundaryWithoutEndingTheData) {
    for (size_t n : {size_t(0), size_t(1), size_t(1000), size_t(70000), size_t(500000)}) {
        SCOPED_TRACE(n);
        const Bytes data = trained_like(n, n / 2, 6);
        const ByteSpan in{data.data(), data.size()};
        const ByteBuffer open = chainerser::core::deflate_raw(&in, 1, 6, false);
        // zlib decodes all of it without reaching an end, and ends on the empty stored block.
        z_stream z{};
        ASSERT_EQ(inflateInit2(&z, -15), Z_OK);
        Bytes out(data.size() + 1);
        z.next_in = const_cast<unsigned char *>(open.data());
        z.avail_in = uInt(open.size());
        z.next_out = out.data();
        z.avail_out = uInt(out.size());
        EXPECT_EQ(inflate(&z, Z_SYNC_FLUSH), Z_OK);
        EXPECT_EQ(z.avail_in, 0u);
        EXPECT_EQ(z.total_out, data.size());
        inflateEnd(&z);
        ASSERT_GE(open.size(), 4u);
        EXPECT_EQ(Bytes(open.data() + open.size() - 4, open.data() + open.size()), (Bytes{0, 0, 0xff, 0xff}));
    }
}

TEST(DeflateJoin, AStreamThatDoesNotDecodeIsAnInternalError) {
    unsigned char junk[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    EXPECT_THROW(chainerser::core::open_deflate_end(junk, 8), std::exception);
}

TEST(CrcConcat, IsTheCrcOfTheConcatenation) {
    const Bytes a = text(100000), b = random_bytes(77777, 7);
    Bytes ab = a;
    ab.insert(ab.end(), b.begin(), b.end());
    EXPECT_EQ(chainerser::core::crc32_concat(chainerser::core::crc32_update(0, a.data(), a.size()),
                                       chainerser::core::crc32_update(0, b.data(), b.size()), b.size()),
              chainerser::core::crc32_update(0, ab.data(), ab.size()));
    EXPECT_EQ(chainerser::core::crc32_concat(0, chainerser::core::crc32_update(0, b.data(), b.size()), b.size()),
              chainerser::core::crc32_update(0, b.data(), b.size()));
}

}  // namespace
