// Independent references for testing our deflate encoders: zlib's inflate (what NumPy and
// Python's zipfile read with), libdeflate's inflate and its own compressor.
#pragma once

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstring>
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

// Words of a checkpoint's key paths and numbers: compressible text.
inline std::vector<unsigned char> text(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    const char *words[] = {"predictor/", "conv", "bn", "/W ", "/b ", "mean ", "0.0012 ", "std ", "res2", "\n"};
    std::vector<unsigned char> b;
    while (b.size() < n) {
        const char *w = words[rng() % 10];
        b.insert(b.end(), w, w + std::strlen(w));
    }
    b.resize(n);
    return b;
}

// float32 normal(0, 0.02) keeping 8 mantissa bits: W1t's weights.
inline std::vector<unsigned char> trained_like(size_t floats, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.f, 0.02f);
    std::vector<unsigned char> b(floats * 4);
    for (size_t i = 0; i < floats; ++i) {
        const float v = normal(rng);
        uint32_t u;
        std::memcpy(&u, &v, 4);
        u &= 0xffff8000u;
        std::memcpy(b.data() + 4 * i, &u, 4);
    }
    return b;
}

// Data whose kind changes every `run` bytes, so that libdeflate ends blocks at the changes.
inline std::vector<unsigned char> mixed(size_t n, size_t run, uint32_t seed) {
    std::vector<unsigned char> b;
    for (uint32_t k = 0; b.size() < n; ++k) {
        const std::vector<unsigned char> part = k % 3 == 0 ? random_bytes(run, seed + k) : k % 3 == 1 ? text(run, seed + k) : std::vector<unsigned char>(run, 0);
        b.insert(b.end(), part.begin(), part.end());
    }
    b.resize(n);
    return b;
}

// libdeflate's raw deflate stream of `data` at `level`.
inline std::vector<unsigned char> libdeflate_stream(const std::vector<unsigned char> &data, int level) {
    libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    std::vector<unsigned char> out(libdeflate_deflate_compress_bound(c, data.size()));
    out.resize(libdeflate_deflate_compress(c, data.data(), data.size(), out.data(), out.size()));
    libdeflate_free_compressor(c);
    return out;
}

// The size of libdeflate's raw deflate stream of `data` at `level`.
inline size_t libdeflate_size(const std::vector<unsigned char> &data, int level) {
    return libdeflate_stream(data, level).size();
}

}  // namespace testsupport
