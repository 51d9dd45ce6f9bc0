// Independent references for testing our deflate encoders: zlib's inflate (what NumPy and
// Python's zipfile read with), libdeflate's inflate and its own compressor.
#pragma once

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <random>
#include <vector>

#include "core/byte_buffer.h"
#include "codec/deflate.h"

namespace testsupport {

// The raw deflate stream inflated by zlib; fails the test unless it ends exactly at the stream's
// end with at most expected_size bytes (one spare byte makes a longer stream show up).
inline std::vector<unsigned char> zlib_inflate(const chainerser::core::ByteBuffer &stream, size_t expected_size) {
    std::vector<unsigned char> out(expected_size + 1);
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, -15), Z_OK);
    z.next_in = const_cast<unsigned char *>(stream.data());
    z.avail_in = uInt(stream.size());
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END) << (z.msg ? z.msg : "");
    EXPECT_EQ(z.avail_in, 0u) << "bytes after the final block";
    out.resize(z.total_out);
    inflateEnd(&z);
    return out;
}

// Checks that the raw deflate stream inflates to exactly `data` with zlib and with libdeflate.
inline void expect_inflates_to(const chainerser::core::ByteBuffer &stream, const std::vector<unsigned char> &data) {
    EXPECT_EQ(zlib_inflate(stream, data.size()), data);
    std::vector<unsigned char> back(data.size());
    EXPECT_TRUE(chainerser::core::inflate_raw_exact(stream.data(), stream.size(), back.data(), back.size()));
    EXPECT_EQ(back, data);
}

// n bytes from a seeded generator: incompressible.
inline std::vector<unsigned char> random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<unsigned char> b(n);
    for (unsigned char &c : b) c = static_cast<unsigned char>(rng());
    return b;
}

// The size of libdeflate's raw deflate stream of `data` at `level`.
inline size_t libdeflate_size(const std::vector<unsigned char> &data, int level) {
    libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    std::vector<unsigned char> out(libdeflate_deflate_compress_bound(c, data.size()));
    const size_t n = libdeflate_deflate_compress(c, data.data(), data.size(), out.data(), out.size());
    libdeflate_free_compressor(c);
    return n;
}

}  // namespace testsupport
