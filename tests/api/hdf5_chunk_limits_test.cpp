// HDF5 chunk shapes that claim far more than their file holds (h5py allows a chunk much larger than
// a resizable dataset): reading never allocates what only a chunk shape claims. The files come
// from tests/python/h5_chunk_claims.py; each chunk claims 1.5 GiB, or 64 MiB for 'small'.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>

#include <sys/stat.h>

#include <vector>

#include "api/hdf5_helpers.h"
#include "support/hardening.h"
#include "support/test_support.h"

namespace {

constexpr uint64_t kChunkBytes = uint64_t(3) << 29;  // float32 chunk of (3 * 2^13, 2^14)

std::string claims(const std::string &name) {
    static const std::string dir = [] {
        const std::string d = testsupport::scratch_dir() + "/chunk_claims";
        ::mkdir(d.c_str(), 0755);
        h5test::python_output("h5_chunk_claims.py", {d});
        return d;
    }();
    return dir + "/" + name;
}

bool mentions(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

ser_options with(uint64_t max_entry_bytes, uint32_t max_inflate_ratio = 1032) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.max_entry_bytes = max_entry_bytes;
    o.max_inflate_ratio = max_inflate_ratio;
    return o;
}

const int64_t kShape[2] = {4, 3};

TEST(Hdf5ChunkLimits, ChunksNeverWrittenReadAsTheFillValueWithoutAChunkBuffer) {
    const std::string path = claims("never_written.h5");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    const long rss = testsupport::peak_rss_kib();
    std::vector<float> whole(12, 0.f), block(6, 0.f);
    ASSERT_EQ(ser_get_array(nullptr, h, "w", SER_FLOAT32, 2, kShape, whole.data(), whole.size() * 4), SER_OK)
        << ser_errmsg();
    const int64_t offset[2] = {1, 1}, count[2] = {3, 2};
    ASSERT_EQ(ser_h5_get_array(nullptr, h, "w", SER_FLOAT32, 2, offset, count, block.data(), block.size() * 4), SER_OK)
        << ser_errmsg();
    EXPECT_LT(testsupport::peak_rss_kib() - rss, 16 * 1024) << "KiB of new peak memory";
    EXPECT_EQ(whole, std::vector<float>(12, 7.f));  // h5py reads the dataset's fill value, 7
    EXPECT_EQ(block, std::vector<float>(6, 7.f));
    ser_close(h);
}

TEST(Hdf5ChunkLimits, AChunkLargerThanTheEntryLimitIsRefusedBeforeItsBufferExists) {
    const std::string path = claims("never_written.h5");
    const ser_options o = with(1 << 20);
    ser_handle *h = h5test::open_h5(path, SER_READ, &o);
    ASSERT_NE(h, nullptr);
    float buf[12];
    const int64_t offset[2] = {0, 0};
    EXPECT_EQ(ser_get_array(nullptr, h, "w", SER_FLOAT32, 2, kShape, buf, sizeof buf), SER_ELIMIT);
    const std::string message = ser_errmsg();
    EXPECT_TRUE(mentions(message, path + ": key 'w'") &&
                mentions(message, "chunk buffer of " + std::to_string(kChunkBytes) + " bytes") &&
                mentions(message, "entry limit of 1048576"))
        << message;
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "w", SER_FLOAT32, 2, offset, kShape, buf, sizeof buf), SER_ELIMIT);
    ser_close(h);
}

TEST(Hdf5ChunkLimits, AStreamTooShortForItsChunkPassesTheInflateRatioLimit) {
    const std::string path = claims("tiny_stream.h5");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    const long rss = testsupport::peak_rss_kib();
    float buf[12];
    const int64_t offset[2] = {0, 0}, one[1] = {4}, zero[1] = {0};
    EXPECT_EQ(ser_get_array(nullptr, h, "w", SER_FLOAT32, 2, kShape, buf, sizeof buf), SER_ELIMIT);
    const std::string message = ser_errmsg();
    EXPECT_TRUE(mentions(message, path + ": key 'w'") && mentions(message, "chunk at (0, 0)") &&
                mentions(message, "a chunk of " + std::to_string(kChunkBytes) + " bytes") && mentions(message, "1032:1"))
        << message;
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "w", SER_FLOAT32, 2, offset, kShape, buf, sizeof buf), SER_ELIMIT);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "small", SER_FLOAT32, 1, zero, one, buf, sizeof buf), SER_ELIMIT);
    EXPECT_LT(testsupport::peak_rss_kib() - rss, 16 * 1024) << "KiB of new peak memory";
    ser_close(h);

    // With the ratio limit off the chunk is inflated, and that it comes out short is a format error.
    const ser_options off = with(0, 0);
    h = h5test::open_h5(path, SER_READ, &off);
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "small", SER_FLOAT32, 1, zero, one, buf, sizeof buf), SER_EFORMAT);
    EXPECT_TRUE(mentions(ser_errmsg(), "key 'small': chunk at (0): corrupt deflate data")) << ser_errmsg();
    ser_close(h);
}

}  // namespace
