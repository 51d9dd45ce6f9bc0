// The piece index (src/npz/zip_directory.h): members whose pieces were deflated apart are read
// piece by piece, and an index that does not match its member is never trusted.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/npz_helpers.h"
#include "support/sha256.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

std::string sha_of_key(ser_handle *h, const std::string &key) {
    ser_array_info info;
    std::string bytes;
    if (!read_native(h, key, &info, &bytes)) return "read failed: " + errmsg();
    return sha256_hex(bytes.data(), bytes.size());
}

// Pieces made by zlib (tests/python/npz_piece_index.py): a correct index, one off by a byte, none.
TEST(NpzPieceIndex, PiecesMadeByZlibReadAsNumPyReadsThem) {
    const std::string path = scratch_dir() + "/pieces.npz";
    const std::string expected = split(python_ok("npz_piece_index.py", {path}), '\n').at(0);
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.threads = threads;
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h) << errmsg();
        for (const char *key : {"w", "misplaced", "plain"}) EXPECT_EQ(sha_of_key(h.get(), key), expected) << key;
    }
}

// A byte changed inside the third piece of a member we deflated in pieces: the read fails with
// SER_EFORMAT naming the key (the pieces do not give the CRC-32, nor does the whole stream).
TEST(NpzPieceIndex, ACorruptPieceIsAFormatErrorNotWrongData) {
    const std::string path = scratch_dir() + "/big.npz";
    const size_t count = size_t(6) << 20;  // 24 MiB: three pieces of 8 MiB
    std::vector<float> data(count);
    for (size_t i = 0; i < count; ++i) data[i] = float(i % 5000) * 0.125f;
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.threads = 2;
    {
        Handle w = open_npz(path, SER_WRITE, &o);
        ASSERT_TRUE(w) << errmsg();
        const int64_t shape[1] = {int64_t(count)};
        ASSERT_EQ(ser_put_array(w.get(), "big", SER_FLOAT32, 1, shape, data.data(), count * 4), SER_OK) << errmsg();
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    }
    std::string bytes = read_file(path);
    const std::string original = bytes;
    // The member's stored bytes lie between its local header and the central directory; the
    // last quarter of them is in the third piece.
    const size_t cd = bytes.rfind(std::string("PK\x01\x02", 4));
    ASSERT_NE(cd, std::string::npos);
    bytes[cd - cd / 5] ^= 0x5a;
    write_file(path, bytes);
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        o.threads = threads;
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h) << errmsg();
        std::vector<float> back(count);
        const int64_t shape[1] = {int64_t(count)};
        EXPECT_EQ(ser_get_array(nullptr, h.get(), "big", SER_FLOAT32, 1, shape, back.data(), count * 4), SER_EFORMAT);
        EXPECT_NE(errmsg().find(path + ": key 'big'"), std::string::npos) << errmsg();
    }
    // The file as written reads back exactly, also in a batch (whose workers then wait for the
    // pieces' workers).
    write_file(path, original);
    Handle h = open_npz(path, SER_READ, &o);
    ASSERT_TRUE(h) << errmsg();
    std::vector<float> back(count), again(count);
    const int64_t shape[1] = {int64_t(count)};
    ASSERT_EQ(ser_get_array(nullptr, h.get(), "big", SER_FLOAT32, 1, shape, back.data(), count * 4), SER_OK) << errmsg();
    EXPECT_TRUE(back == data);
    ser_get_request requests[2] = {};
    for (ser_get_request &r : requests) r.key = "big", r.dtype = SER_FLOAT32, r.ndim = 1, r.shape = shape;
    requests[0].buf = back.data(), requests[1].buf = again.data();
    requests[0].bufsize = requests[1].bufsize = count * 4;
    std::fill(back.begin(), back.end(), 0.f);
    ASSERT_EQ(ser_get_arrays(h.get(), requests, 2), SER_OK) << errmsg();
    EXPECT_TRUE(back == data);
    EXPECT_TRUE(again == data);
}

}  // namespace
