// The walker that finds a raw deflate stream's final block without inflating it
// (src/codec/deflate_walk.cpp), against zlib's own block boundaries, and pieces it opened joined
// and inflated by zlib, libdeflate and Python's zlib.
#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "codec/deflate_bits.h"
#include "codec/deflate_join.h"
#include "codec/deflate_walk.h"
#include "support/deflate_check.h"

namespace {

using chainerser::core::ByteBuffer;
using chainerser::core::FinalBlock;
using chainerser::core::find_final_block;
using Bytes = std::vector<unsigned char>;
using testsupport::libdeflate_stream;
using testsupport::mixed;
using testsupport::random_bytes;
using testsupport::text;
using testsupport::trained_like;

// zlib's answer: inflating block by block (Z_BLOCK), where the final block starts and where the
// stream ends (zlib skips the final block's padding: a byte boundary); nullopt if zlib does not
// decode the stream to its end.
std::optional<FinalBlock> zlib_final_block(const unsigned char *in, size_t size) {
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return std::nullopt;
    Bytes sink(1 << 16);
    z.next_in = const_cast<unsigned char *>(in);
    z.avail_in = uInt(size);
    FinalBlock bits;
    std::optional<FinalBlock> result;
    for (;;) {
        z.next_out = sink.data();
        z.avail_out = uInt(sink.size());
        const int rc = inflate(&z, Z_BLOCK);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
        const size_t bit = size_t(z.total_in) * 8 - size_t(z.data_type & 7);
        if (rc == Z_STREAM_END) {
            bits.end_bit = bit;
            result = bits;
            break;
        }
        if ((z.data_type & 128) && !(z.data_type & 64)) bits.header_bit = bit;  // between blocks
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    inflateEnd(&z);
    return result;
}

unsigned block_type(const Bytes &s, size_t header_bit) {
    auto bit = [&](size_t i) { return (s[i / 8] >> (i % 8)) & 1u; };
    return bit(header_bit + 1) | bit(header_bit + 2) << 1;
}

TEST(DeflateWalk, FindsTheFinalBlockWhereZlibDoes) {
    std::vector<Bytes> inputs = {Bytes{}, Bytes{'a'}, text(40, 1), text(3000, 2), random_bytes(3000, 3),
                                 Bytes(100000, 7), trained_like(1000, 4), trained_like(200000, 5),
                                 text(1 << 20, 6), random_bytes(300000, 7), mixed(2000000, 70000, 8),
                                 mixed(700000, 1000, 9)};
    for (size_t n : {size_t(65535), size_t(65536), size_t(299999), size_t(300001), size_t(600000)})
        inputs.push_back(mixed(n, 50000, uint32_t(n)));
    bool seen[3] = {};  // final blocks of each type: stored, fixed, dynamic
    for (int level : {0, 1, 6, 9, 12})
        for (size_t i = 0; i < inputs.size(); ++i) {
            SCOPED_TRACE("level " + std::to_string(level) + ", input " + std::to_string(i));
            const Bytes s = libdeflate_stream(inputs[i], level);
            const std::optional<FinalBlock> want = zlib_final_block(s.data(), s.size());
            ASSERT_TRUE(want);
            FinalBlock got;
            ASSERT_TRUE(find_final_block(s.data(), s.size(), got));
            EXPECT_EQ(got.header_bit, want->header_bit);
            EXPECT_EQ((got.end_bit + 7) / 8 * 8, want->end_bit);
            EXPECT_EQ((got.end_bit + 7) / 8, s.size());
            const unsigned type = block_type(s, got.header_bit);
            ASSERT_LT(type, 3u);
            seen[type] = true;
        }
    EXPECT_TRUE(seen[0] && seen[1] && seen[2]);
}

// Our own encoders' streams: the literal-only dynamic blocks (HLIT 257, two distance codes) and
// the small encoder's fixed or stored block.
TEST(DeflateWalk, WalksOurOwnEncodersStreams) {
    using chainerser::core::DeflateEncoder;
    const std::vector<std::pair<DeflateEncoder, Bytes>> cases = {
        {DeflateEncoder::Literals, random_bytes(600000, 11)}, {DeflateEncoder::Literals, trained_like(300000, 12)},
        {DeflateEncoder::Literals, Bytes{}},                  {DeflateEncoder::Small, text(500, 13)},
        {DeflateEncoder::Small, random_bytes(400, 14)},       {DeflateEncoder::Small, Bytes{}}};
    for (const auto &[encoder, data] : cases) {
        const ByteBuffer b = chainerser::core::deflate_with(encoder, data.data(), data.size(), 6);
        const std::optional<FinalBlock> want = zlib_final_block(b.data(), b.size());
        ASSERT_TRUE(want);
        FinalBlock got;
        ASSERT_TRUE(find_final_block(b.data(), b.size(), got));
        EXPECT_EQ(got.header_bit, want->header_bit);
        EXPECT_EQ((got.end_bit + 7) / 8 * 8, want->end_bit);
    }
}

// Truncated, bit-flipped and random streams: the walker returns (it reads nothing past the end;
// AddressSanitizer builds check that) and, wherever zlib decodes the stream, agrees with it.
TEST(DeflateWalk, CorruptStreamsNeitherCrashNorLoop) {
    std::mt19937 rng(21);
    const Bytes valid = libdeflate_stream(mixed(200000, 20000, 22), 6);
    const Bytes fixed = libdeflate_stream(text(200, 23), 6);
    size_t decoded_by_zlib = 0;
    auto check = [&](const Bytes &s) {
        FinalBlock got;
        const bool ok = find_final_block(s.data(), s.size(), got);
        if (ok) EXPECT_LE(got.end_bit, s.size() * 8);
        const std::optional<FinalBlock> want = zlib_final_block(s.data(), s.size());
        if (!want) return;
        ++decoded_by_zlib;
        ASSERT_TRUE(ok);
        EXPECT_EQ(got.header_bit, want->header_bit);
        EXPECT_EQ((got.end_bit + 7) / 8 * 8, want->end_bit);
    };
    for (size_t n = 0; n < valid.size(); n += 1 + n / 64) check(Bytes(valid.begin(), valid.begin() + n));
    for (size_t n = 0; n < fixed.size(); ++n) check(Bytes(fixed.begin(), fixed.begin() + n));
    for (int k = 0; k < 2000; ++k) {
        Bytes s = k % 2 ? valid : fixed;
        for (int f = 0; f < 1 + k % 3; ++f) {
            const size_t bit = rng() % (s.size() * 8);
            s[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
        }
        check(s);
    }
    for (int k = 0; k < 2000; ++k) check(random_bytes(1 + rng() % 2000, uint32_t(100 + k)));
    for (unsigned char fill : {0x00, 0xff, 0x02, 0x04, 0x05})
        for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(64), size_t(70000)}) check(Bytes(n, fill));
    EXPECT_GT(decoded_by_zlib, 0u);
}

// Pieces libdeflate wrote, opened by the walker (deflate_join.h), their last blocks stored, fixed
// and dynamic, joined and inflated by zlib, libdeflate and Python's zlib to the exact input.
TEST(DeflateWalk, OpenedPiecesJoinAndInflateEverywhere) {
    const std::vector<Bytes> pieces = {random_bytes(150000, 31), text(20, 32), mixed(900000, 60000, 33),
                                       trained_like(70000, 34), Bytes{'x'}, Bytes{}, text(300000, 35),
                                       random_bytes(70000, 36)};
    for (int level : {1, 6, 12}) {
        SCOPED_TRACE(level);
        Bytes whole, joined;
        for (size_t i = 0; i < pieces.size(); ++i) {
            Bytes s = libdeflate_stream(pieces[i], level);
            if (i + 1 < pieces.size()) {
                s.resize(s.size() + chainerser::core::kOpenEndBytes);
                s.resize(chainerser::core::open_deflate_end(s.data(), s.size() - chainerser::core::kOpenEndBytes));
            }
            whole.insert(whole.end(), pieces[i].begin(), pieces[i].end());
            joined.insert(joined.end(), s.begin(), s.end());
        }
        ByteBuffer stream(joined.size());
        std::memcpy(stream.data(), joined.data(), joined.size());
        testsupport::expect_inflates_to(stream, whole);

        const std::string dir = ::testing::TempDir(), in = dir + "walk_joined.deflate", out = dir + "walk_joined.out";
        std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char *>(joined.data()), std::streamsize(joined.size()));
        const std::string cmd = std::string(CHAINERSER_PYTHON) +
                                " -c \"import sys, zlib; d = zlib.decompressobj(-15); b = d.decompress(open(sys.argv[1], 'rb').read());"
                                " assert d.eof and not d.unused_data; open(sys.argv[2], 'wb').write(b)\" " +
                                in + " " + out;
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        std::ifstream f(out, std::ios::binary);
        EXPECT_EQ(Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>()), whole);
        std::remove(in.c_str());
        std::remove(out.c_str());
    }
}

}  // namespace
