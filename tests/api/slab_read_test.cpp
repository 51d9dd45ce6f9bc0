// ser_get_array_slab: any block of an entry, from NPZ (stored, compressed, Fortran order) and
// HDF5, equals the same block cut out of the whole array read with ser_get_array.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

struct Format {
    const char *name;
    int (*open)(ser_handle **, const char *, int32_t, const ser_options *);
    int compress;
};

const int64_t kShape[3] = {5, 4, 6};
constexpr size_t kCount = 5 * 4 * 6;

std::string write(const Format &f, bool fortran) {
    const std::string path = testsupport::scratch_dir() + "/slab." + f.name;
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = f.compress;
    ser_handle *w = nullptr;
    EXPECT_EQ(f.open(&w, path.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    std::vector<int32_t> v(kCount);
    for (size_t i = 0; i < kCount; ++i) v[i] = int32_t(i * 7 + 1);
    ser_array_info info{};
    info.dtype = SER_INT32;
    info.byteorder = SER_LITTLE;
    info.fortran_order = fortran;
    info.ndim = 3;
    for (int k = 0; k < 3; ++k) info.shape[k] = kShape[k];
    EXPECT_EQ(ser_put_array_ex(w, "a/x", &info, v.data(), v.size() * 4), SER_OK) << ser_errmsg();
    EXPECT_EQ(ser_put_int64(w, "s", 42), SER_OK);
    EXPECT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    return path;
}

void expect_every_block_matches(const Format &f, const std::string &path) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.cast = SER_CAST_SAFE;  // int32 in the file, read as int64: the cast goes through the one load path too
    ser_handle *h = nullptr;
    ASSERT_EQ(f.open(&h, path.c_str(), SER_READ, &o), SER_OK) << ser_errmsg();
    std::vector<int64_t> whole(kCount);
    ASSERT_EQ(ser_get_array(nullptr, h, "a/x", SER_INT64, 3, kShape, whole.data(), whole.size() * 8), SER_OK) << ser_errmsg();
    const std::vector<std::vector<int64_t>> blocks = {
        {0, 0, 0, 5, 4, 6}, {1, 0, 0, 2, 4, 6}, {0, 1, 2, 5, 2, 3}, {4, 3, 5, 1, 1, 1}, {2, 0, 0, 0, 4, 6}, {1, 2, 0, 3, 2, 6}};
    for (const auto &b : blocks) {
        const int64_t *off = b.data(), *cnt = b.data() + 3;
        std::vector<int64_t> got(size_t(cnt[0] * cnt[1] * cnt[2]) + 1, -1);
        int32_t outcome = -1;
        ASSERT_EQ(ser_get_array_slab(&outcome, h, "a/x", SER_INT64, 3, off, cnt, got.data(), got.size() * 8), SER_OK)
            << ser_errmsg();
        EXPECT_EQ(outcome, SER_LOADED);
        size_t n = 0;
        for (int64_t i = 0; i < cnt[0]; ++i)
            for (int64_t j = 0; j < cnt[1]; ++j)
                for (int64_t k = 0; k < cnt[2]; ++k, ++n)
                    ASSERT_EQ(got[n], whole[size_t(((off[0] + i) * 4 + off[1] + j) * 6 + off[2] + k)]) << f.name << " block " << n;
        EXPECT_EQ(got.back(), -1) << "wrote past the block";
    }
    int64_t scalar = 0;
    ASSERT_EQ(ser_get_array_slab(nullptr, h, "s", SER_INT64, 0, nullptr, nullptr, &scalar, 8), SER_OK) << ser_errmsg();
    EXPECT_EQ(scalar, 42);
    const int64_t outside_off[3] = {4, 0, 0}, outside_cnt[3] = {2, 4, 6};
    std::vector<int64_t> buf(48);
    EXPECT_EQ(ser_get_array_slab(nullptr, h, "a/x", SER_INT64, 3, outside_off, outside_cnt, buf.data(), buf.size() * 8),
              SER_EINVAL);
    EXPECT_EQ(ser_get_array_slab(nullptr, h, "a/x", SER_INT64, 3, nullptr, outside_cnt, buf.data(), 8), SER_EINVAL);
    EXPECT_EQ(ser_get_array_slab(nullptr, h, nullptr, SER_INT64, 3, outside_off, outside_cnt, buf.data(), 8), SER_EINVAL);
    EXPECT_EQ(ser_get_array_slab(nullptr, nullptr, "a/x", SER_INT64, 3, outside_off, outside_cnt, buf.data(), 8), SER_EINVAL);
    ser_close(h);
}

TEST(SlabRead, EveryBlockOfEveryFormatEqualsTheWholeArrayCut) {
    const Format formats[] = {{"npz", ser_npz_open, 0}, {"npz", ser_npz_open, 1}, {"h5", ser_h5_open, 1}, {"h5", ser_h5_open, 0}};
    for (const Format &f : formats)
        for (bool fortran : {false, true}) {
            SCOPED_TRACE(std::string(f.name) + (f.compress ? " compressed" : " stored") + (fortran ? " fortran" : " C"));
            expect_every_block_matches(f, write(f, fortran));
        }
}

}  // namespace
