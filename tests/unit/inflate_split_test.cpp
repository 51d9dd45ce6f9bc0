// Inflating a stream cut after its first bytes (src/codec/inflate_split.cpp), against zlib's
// inflate of the whole stream, on streams written by zlib (as NumPy's zipfile writes members),
// by libdeflate and with zlib's stored and fixed-Huffman blocks; and corrupt streams. Both ways
// of cutting: at a symbol (inflate_from_symbol_cut) and at the next block boundary.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "codec/deflate_walk.h"
#include "codec/inflate_split.h"
#include "support/deflate_check.h"

namespace {

using chainerser::core::inflate_from_symbol_cut;
using chainerser::core::inflate_split;
using chainerser::core::kSplitHeadroom;
using Bytes = std::vector<unsigned char>;
using namespace testsupport;

// A raw deflate stream made by zlib at `level` with `strategy` (Z_FIXED: fixed-Huffman blocks only).
Bytes zlib_stream(const Bytes &data, int level, int strategy = Z_DEFAULT_STRATEGY) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, -15, 8, strategy), Z_OK);
    Bytes out(deflateBound(&z, uLong(data.size())));
    z.next_in = const_cast<unsigned char *>(data.data());
    z.avail_in = uInt(data.size());
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// The stream in a buffer with the headroom inflate_split needs, filled with garbage.
struct Input {
    Bytes buffer;
    unsigned char *stream() { return buffer.data() + kSplitHeadroom; }
    explicit Input(const Bytes &s) : buffer(kSplitHeadroom + s.size(), 0xa5) {
        std::copy(s.begin(), s.end(), buffer.begin() + kSplitHeadroom);
    }
};

struct Split {
    bool ok;
    Bytes out;
    uint32_t crc;
};

using SplitFunction = bool (*)(unsigned char *, size_t, uint64_t, uint64_t, unsigned char *, uint32_t &);

Split split(const Bytes &stream, size_t total, size_t skip, SplitFunction how = inflate_split) {
    Input in(stream);
    Split r{false, Bytes(total - std::min(skip, total), 0x5a), 0};
    r.ok = how(in.stream(), stream.size(), total, skip, r.out.data(), r.crc);
    EXPECT_TRUE(std::equal(stream.begin(), stream.end(), in.stream())) << "the stream was not restored";
    return r;
}

// What a NumPy member starts with: a version 1.0 npy header padded with spaces to 128 bytes.
Bytes npy_like(const Bytes &payload) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(payload.size() / 4) + ",), }";
    dict.resize(128 - 10 - 1, ' ');
    const std::string header = std::string("\x93NUMPY\x01\x00", 8) + char(dict.size() + 1) + '\0' + dict + '\n';
    Bytes out(header.begin(), header.end());
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<Bytes> inputs() {
    return {trained_like(250000, 1), random_bytes(700000, 2), text(900000, 3), Bytes(3 << 20, 0),
            mixed(1500000, 50000, 4), trained_like(40000, 5), mixed(400000, 3000, 6)};
}

TEST(InflateSplit, MatchesZlibOnEveryWritersStreams) {
    size_t splits = 0, tries = 0;
    for (const Bytes &data : inputs()) {
        std::vector<Bytes> streams;
        for (int level : {1, 4, 6, 9}) streams.push_back(zlib_stream(data, level));
        streams.push_back(zlib_stream(data, 0));  // stored blocks only
        streams.push_back(zlib_stream(data, 6, Z_FIXED));
        streams.push_back(zlib_stream(data, 6, Z_HUFFMAN_ONLY));
        for (int level : {1, 6, 12}) streams.push_back(libdeflate_stream(data, level));
        for (const Bytes &s : streams)
            for (size_t skip : {size_t(0), size_t(64), size_t(128), size_t(40000)}) {
                SCOPED_TRACE("input of " + std::to_string(data.size()) + " bytes, stream of " +
                             std::to_string(s.size()) + ", skip " + std::to_string(skip));
                const Split r = split(s, data.size(), skip);
                ++tries;
                if (!r.ok) continue;
                ++splits;
                ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), data.begin() + long(skip)));
                EXPECT_EQ(r.crc, uLong(crc32(0, data.data(), uInt(data.size()))));
            }
    }
    // Streams of many blocks can be cut; the test means nothing if none is.
    EXPECT_GT(splits, tries * 3 / 4) << splits << " of " << tries << " streams were cut";
}

TEST(InflateSplit, RestartsNumPyMembersRightAfterTheirHeader) {
    using chainerser::core::SymbolCut;
    std::set<SymbolCut::Kind> kinds;
    std::set<size_t> parities;  // of the bits the reopened block's header leaves to fill
    const std::vector<Bytes> payloads = {trained_like(250000, 1), random_bytes(700000, 2), Bytes(3 << 20, 0),
                                         trained_like(40000, 5), mixed(400000, 3000, 6)};
    for (const Bytes &payload : payloads) {
        const Bytes data = npy_like(payload);
        std::vector<std::pair<std::string, Bytes>> streams;
        for (int level : {0, 1, 4, 6, 9}) streams.emplace_back("zlib " + std::to_string(level), zlib_stream(data, level));
        streams.emplace_back("zlib Huffman only", zlib_stream(data, 6, Z_HUFFMAN_ONLY));
        streams.emplace_back("zlib fixed Huffman", zlib_stream(data, 6, Z_FIXED));
        for (int level : {1, 6, 12}) streams.emplace_back("libdeflate " + std::to_string(level), libdeflate_stream(data, level));
        for (const auto &[writer, s] : streams) {
            SCOPED_TRACE(writer + ", " + std::to_string(data.size()) + " bytes");
            SymbolCut cut;
            ASSERT_TRUE(chainerser::core::find_symbol_cut(s.data(), s.size(), 128, cut));
            kinds.insert(cut.kind);
            if (cut.kind == SymbolCut::InFixed || cut.kind == SymbolCut::InDynamic)
                parities.insert((cut.bit - (cut.body_bit - cut.header_bit)) % 2);
            // A symbol starts after the newline: it is a literal, as no earlier byte matches it;
            // a binary payload refers back into the header as good as never.
            const Split r = split(s, data.size(), 128, inflate_from_symbol_cut);
            ASSERT_TRUE(r.ok);
            ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), data.begin() + 128));
            EXPECT_EQ(r.crc, uLong(crc32(0, data.data(), uInt(data.size()))));
        }
    }
    EXPECT_EQ(kinds, (std::set<SymbolCut::Kind>{SymbolCut::InStored, SymbolCut::InFixed, SymbolCut::InDynamic}));
    EXPECT_EQ(parities, (std::set<size_t>{0, 1})) << "both the even restart and the odd empty block";
}

TEST(InflateSplit, SymbolCutsAnywhereDecodeExactly) {
    size_t cuts = 0, tries = 0;
    for (const Bytes &data : inputs())
        for (int level : {0, 1, 6, 9}) {
            const Bytes s = zlib_stream(data, level);
            const Bytes fixed = zlib_stream(data, 6, Z_FIXED);
            for (size_t skip : {size_t(0), size_t(1), size_t(77), size_t(4096), size_t(33333), size_t(200001)})
                for (const Bytes *stream : {&s, &fixed}) {
                    SCOPED_TRACE("level " + std::to_string(level) + ", skip " + std::to_string(skip));
                    const Split r = split(*stream, data.size(), skip, inflate_from_symbol_cut);
                    ++tries;
                    if (!r.ok) continue;
                    ++cuts;
                    ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), data.begin() + long(skip)));
                    EXPECT_EQ(r.crc, uLong(crc32(0, data.data(), uInt(data.size()))));
                }
        }
    // Declined: a skip inside a match, a reference into the skipped bytes.
    EXPECT_GT(cuts, tries / 2) << cuts << " of " << tries;
}

TEST(InflateSplit, AReferenceIntoTheSkippedBytesFallsBackToABlockCut) {
    // Text after an npy header refers back into the header's words.
    const Bytes words = npy_like(text(900000, 3));
    for (int level : {1, 6, 9}) {
        const Bytes s = zlib_stream(words, level);
        EXPECT_FALSE(split(s, words.size(), 128, inflate_from_symbol_cut).ok) << "level " << level;
        const Split r = split(s, words.size(), 128);
        ASSERT_TRUE(r.ok);
        ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), words.begin() + 128));
    }
    // Each 1000-byte unit repeats 40 bytes before it: right after the cut, the stream refers back
    // into the skipped bytes, which the restarted stream does not hold.
    Bytes data = random_bytes(1000, 12);
    for (int k = 0; k < 400; ++k) {
        Bytes unit = random_bytes(960, uint32_t(13 + k));
        data.insert(data.end(), data.end() - 40, data.end());
        data.insert(data.end(), unit.begin(), unit.end());
    }
    const Bytes s = zlib_stream(data, 6);
    EXPECT_FALSE(split(s, data.size(), 1000, inflate_from_symbol_cut).ok);
    const Split r = split(s, data.size(), 1000);
    ASSERT_TRUE(r.ok);
    ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), data.begin() + 1000));
}

TEST(InflateSplit, DeclinesWhatItCannotCut) {
    const Bytes small(3000, 0);  // zlib writes it as one block; 64 lies inside a match
    EXPECT_FALSE(split(zlib_stream(small, 6), small.size(), 64).ok);
    EXPECT_FALSE(split(zlib_stream(small, 6), small.size(), small.size() + 1).ok) << "skip past the end";
    const Bytes one_block = text(200000, 8);
    const Bytes s = libdeflate_stream(one_block, 6);  // libdeflate writes 200 KB of text as few blocks
    const Split r = split(s, one_block.size(), 128);
    if (r.ok) EXPECT_TRUE(std::equal(r.out.begin(), r.out.end(), one_block.begin() + 128));
    const Bytes data = trained_like(250000, 9);
    const Bytes z = zlib_stream(data, 6);
    EXPECT_FALSE(split(z, data.size() + 1, 64).ok) << "a stream one byte short of `total`";
    EXPECT_FALSE(split(z, data.size() - 1, 64).ok) << "a stream one byte longer than `total`";
}

TEST(InflateSplit, CorruptStreamsFailOrDecodeAsZlibDoes) {
    const Bytes data = mixed(600000, 30000, 10);
    const Bytes valid = zlib_stream(data, 6);
    std::mt19937 rng(11);
    for (int k = 0; k < 400; ++k) {
        Bytes s = valid;
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) s[rng() % s.size()] ^= uint8_t(1u << (rng() % 8));
        if (k % 5 == 0) s.resize(rng() % s.size());
        const Split r = split(s, data.size(), 128);
        if (!r.ok) continue;
        // Corrupt data can still be valid deflate; then the cut decodes what a whole decode does.
        Bytes whole(data.size());
        ASSERT_TRUE(chainerser::core::inflate_raw_exact(s.data(), s.size(), whole.data(), whole.size()));
        ASSERT_TRUE(std::equal(r.out.begin(), r.out.end(), whole.begin() + 128));
    }
}

}  // namespace
