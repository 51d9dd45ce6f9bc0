// Block reads (ser_get_array_slab) of a member deflated in pieces with piece CRC-32s (piece index
// version 2, src/npz/zip_directory.h): only the pieces that hold the block are inflated, each
// checked against its CRC-32, and every block equals the same block cut out of the array.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <string>
#include <vector>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

// 3000 x 2048 float32 (24 MiB): three pieces of 1024 rows (8 MiB of data) each, piece 0 also
// holding the npy header.
constexpr int64_t kRows = 3000, kCols = 2048;

float value_at(int64_t i, int64_t j) { return float((i * 7 + j * 3) % 9973) * 0.5f; }

ser_options options(int threads) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.threads = threads;
    o.cast = SER_CAST_SAFE;  // float32 blocks read as float64 too
    return o;
}

// Writes "c" (C order) and "f" (the same logical array stored column-major), with two threads so
// that both are deflated in pieces.
std::string write_members(const std::string &name) {
    const std::string path = scratch_dir() + "/" + name;
    std::vector<float> c(size_t(kRows * kCols)), f(c.size());
    for (int64_t i = 0; i < kRows; ++i)
        for (int64_t j = 0; j < kCols; ++j) c[size_t(i * kCols + j)] = f[size_t(j * kRows + i)] = value_at(i, j);
    const ser_options o = options(2);
    Handle w = open_npz(path, SER_WRITE, &o);
    EXPECT_TRUE(w) << errmsg();
    ser_array_info info{};
    info.dtype = SER_FLOAT32;
    info.byteorder = SER_LITTLE;
    info.ndim = 2;
    info.shape[0] = kRows, info.shape[1] = kCols;
    EXPECT_EQ(ser_put_array_ex(w.get(), "c", &info, c.data(), c.size() * 4), SER_OK) << errmsg();
    info.fortran_order = 1;
    EXPECT_EQ(ser_put_array_ex(w.get(), "f", &info, f.data(), f.size() * 4), SER_OK) << errmsg();
    EXPECT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    return path;
}

struct Box {
    int64_t r0, c0, rows, cols;
    const char *what;
};

const Box kBoxes[] = {
    {1024, 0, 1024, kCols, "exactly the second piece's rows"},
    {1000, 0, 100, kCols, "rows across the first piece boundary"},
    {10, 3, 20, 100, "inside the first piece"},
    {500, 7, 2400, 9, "columns through all three pieces"},
    {0, 0, kRows, kCols, "the whole array"},
    {kRows - 1, kCols - 1, 1, 1, "the last element"},
    {2047, 2047, 2, 1, "two elements either side of the second boundary"},
    {0, 0, 1, 1, "the first element"},
};

// The block read as float32 (or float64: a cast) from key, compared with value_at.
void expect_block(ser_handle *h, const char *key, const Box &b, bool as_double) {
    SCOPED_TRACE(std::string(key) + ": " + b.what + (as_double ? " as float64" : ""));
    const int64_t offset[2] = {b.r0, b.c0}, count[2] = {b.rows, b.cols};
    const size_t n = size_t(b.rows * b.cols);
    std::vector<float> f(as_double ? 0 : n, -1.f);
    std::vector<double> d(as_double ? n : 0, -1.0);
    void *buf = as_double ? static_cast<void *>(d.data()) : static_cast<void *>(f.data());
    ASSERT_EQ(ser_get_array_slab(nullptr, h, key, as_double ? SER_FLOAT64 : SER_FLOAT32, 2, offset, count, buf,
                                 n * (as_double ? 8 : 4)),
              SER_OK)
        << errmsg();
    size_t wrong = 0;
    for (int64_t i = 0; i < b.rows; ++i)
        for (int64_t j = 0; j < b.cols; ++j) {
            const size_t k = size_t(i * b.cols + j);
            const double got = as_double ? d[k] : double(f[k]);
            wrong += got != double(value_at(b.r0 + i, b.c0 + j));
        }
    EXPECT_EQ(wrong, 0u);
}

TEST(NpzPieceBlocks, BlocksOfCAndFortranMembersMatchTheArray) {
    const std::string path = write_members("piece_blocks.npz");
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        const ser_options o = options(threads);
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h) << errmsg();
        for (const char *key : {"c", "f"})
            for (const Box &b : kBoxes) expect_block(h.get(), key, b, false);
        expect_block(h.get(), "c", kBoxes[1], true);
        expect_block(h.get(), "f", kBoxes[3], true);
    }
    // NumPy (zipfile skips the piece CRC field) reads both members.
    python_ok("npz_check_piece_blocks.py", {path});
}

// A byte changed in the last piece of "c": blocks in the first two pieces still read (only their
// pieces are inflated, and their CRC-32s hold), a block touching the last piece fails with
// SER_EFORMAT naming the file and key (its piece fails its CRC-32, and so does the whole member).
TEST(NpzPieceBlocks, ACorruptPieceFailsOnlyTheBlocksThatNeedIt) {
    const std::string path = write_members("piece_blocks_corrupt.npz");
    std::string bytes = read_file(path);
    // "c" is the first member: its last piece ends where "f"'s local header begins.
    const size_t second = bytes.find(std::string("PK\x03\x04", 4), 4);
    ASSERT_NE(second, std::string::npos);
    bytes[second - 1000] ^= 0x21;
    write_file(path, bytes);
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        const ser_options o = options(threads);
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h) << errmsg();
        expect_block(h.get(), "c", kBoxes[0], false);
        expect_block(h.get(), "c", kBoxes[1], false);
        expect_block(h.get(), "f", kBoxes[3], false);
        for (const Box &b : {kBoxes[3], kBoxes[5]}) {
            SCOPED_TRACE(b.what);
            const int64_t offset[2] = {b.r0, b.c0}, count[2] = {b.rows, b.cols};
            std::vector<float> back(size_t(b.rows * b.cols));
            EXPECT_EQ(ser_get_array_slab(nullptr, h.get(), "c", SER_FLOAT32, 2, offset, count, back.data(),
                                         back.size() * 4),
                      SER_EFORMAT);
            EXPECT_NE(errmsg().find(path + ": key 'c'"), std::string::npos) << errmsg();
        }
    }
}

// Pieces made by zlib with lying piece CRC-32s or offsets (tests/python/npz_piece_index.py): a
// block read either ignores the index (and reads the member whole, which checks the member's
// CRC-32) or fails with SER_EFORMAT naming the key; it never returns wrong data.
TEST(NpzPieceBlocks, LyingPieceCrcsAreIgnoredOrAFormatError) {
    const std::string path = scratch_dir() + "/piece_crc_lies.npz";
    const std::vector<std::string> out = split(python_ok("npz_piece_index.py", {path}), '\n');
    ASSERT_GE(out.size(), 1u);
    // Each member is float32 values i * 0.25 mod 97 (60000 of them).
    auto expected = [](int64_t i) { return float(i % 388) * 0.25f; };
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        const ser_options o = options(threads);
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h) << errmsg();
        for (const char *key : {"w", "misplaced", "plain", "crc", "crc_wrong", "crc_short", "crc_shifted",
                                "crc_other_version", "crc_decoded_lie"}) {
            // Inside the first piece, across the first boundary (element 17468), right at it, the end, all.
            const std::vector<std::pair<int64_t, int64_t>> ranges = {
                {0, 10}, {17000, 2000}, {17466, 4}, {17467, 1}, {59990, 10}, {0, 60000}};
            for (const auto &[from, n] : ranges) {
                const int64_t range[2] = {from, n};
                SCOPED_TRACE(std::string(key) + " at " + std::to_string(range[0]));
                std::vector<float> back(size_t(range[1]), -1.f);
                const int rc = ser_get_array_slab(nullptr, h.get(), key, SER_FLOAT32, 1, &range[0], &range[1],
                                                  back.data(), back.size() * 4);
                ASSERT_EQ(rc, SER_OK) << errmsg();
                size_t wrong = 0;
                for (int64_t i = 0; i < range[1]; ++i) wrong += back[size_t(i)] != expected(range[0] + i);
                EXPECT_EQ(wrong, 0u);
            }
        }
        // Pieces whose data was changed, with CRC-32s that match the changed data but not the
        // member's: the CRCs are ignored, and the member's CRC-32 fails.
        const int64_t offset = 0, count = 10;
        std::vector<float> back(10);
        EXPECT_EQ(ser_get_array_slab(nullptr, h.get(), "crc_forged", SER_FLOAT32, 1, &offset, &count, back.data(), 40),
                  SER_EFORMAT);
        EXPECT_NE(errmsg().find(path + ": key 'crc_forged'"), std::string::npos) << errmsg();
    }
}

}  // namespace
