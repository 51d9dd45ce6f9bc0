// Zero-copy views of stored NPZ members (ser_npz_view) and 64-byte aligned writing.
#include <chainerser/chainerser.h>
#include <chainerser/npz.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

// Views into files written without align_data may be unaligned: read elements with memcpy.
template <class T>
T element(const void *p, size_t i) {
    T v;
    std::memcpy(&v, static_cast<const unsigned char *>(p) + i * sizeof(T), sizeof v);
    return v;
}

TEST(NpzView, PointsAtTheArrayNumpyStoredWithoutCopying) {
    const std::string path = testsupport::scratch_dir() + "/numpy.npz";
    std::string out;
    ASSERT_EQ(testsupport::run_python("npz_view_source.py", {path}, &out), 0) << out;
    ser_handle *h = nullptr;
    ASSERT_EQ(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();

    const void *p = nullptr;
    ser_array_info info;
    ASSERT_EQ(ser_npz_view(&p, &info, h, "a"), SER_OK) << ser_errmsg();
    ASSERT_EQ(info.dtype, SER_FLOAT64);
    ASSERT_EQ(info.ndim, 1);
    ASSERT_EQ(info.shape[0], 1000);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(element<double>(p, size_t(i)), i * 0.5) << i;  // numpy wrote arange(1000) * 0.5

    ASSERT_EQ(ser_npz_view(&p, &info, h, "f"), SER_OK) << ser_errmsg();  // Fortran order is reported, not hidden
    EXPECT_EQ(info.fortran_order, 1);
    EXPECT_EQ(element<int32_t>(p, 1), 30);  // f = arange(6).reshape(2, 3) * 10, column-major: [0, 30, 10, ...]

    ASSERT_EQ(ser_npz_view(&p, &info, h, "b"), SER_OK) << ser_errmsg();
    EXPECT_EQ(info.byteorder, SER_BIG);
    const auto *b = static_cast<const unsigned char *>(p);
    EXPECT_EQ(b[0] << 8 | b[1], 0x1234);  // b = array([0x1234], '>i2')
    ser_close(h);
}

TEST(NpzView, CompressedMembersNoneAndHdf5HandlesAreRefused) {
    const std::string dir = testsupport::scratch_dir();
    const std::string npz = dir + "/c.npz", h5 = dir + "/c.h5";
    const int64_t shape[1] = {3};
    const float x[3] = {1, 2, 3};
    for (const std::string &path : {npz, h5}) {
        ser_handle *w = nullptr;
        ASSERT_EQ(path == npz ? ser_npz_open(&w, path.c_str(), SER_WRITE, nullptr)
                              : ser_h5_open(&w, path.c_str(), SER_WRITE, nullptr),
                  SER_OK);
        ASSERT_EQ(ser_put_array(w, "x", SER_FLOAT32, 1, shape, x, sizeof x), SER_OK);
        ASSERT_EQ(ser_put_none(w, "n"), SER_OK);
        ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    }
    ser_handle *h = nullptr;
    const void *p = nullptr;
    ser_array_info info;
    ASSERT_EQ(ser_npz_open(&h, npz.c_str(), SER_READ, nullptr), SER_OK);
    EXPECT_EQ(ser_npz_view(&p, &info, h, "x"), SER_EUNSUPPORTED);
    EXPECT_NE(std::string(ser_errmsg()).find("'x'"), std::string::npos) << ser_errmsg();
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(ser_npz_view(&p, &info, h, "n"), SER_EMISMATCH);
    EXPECT_EQ(ser_npz_view(&p, &info, h, "missing"), SER_ENOTFOUND);
    ser_close(h);
    ASSERT_EQ(ser_h5_open(&h, h5.c_str(), SER_READ, nullptr), SER_OK);
    EXPECT_EQ(ser_npz_view(&p, &info, h, "x"), SER_EINVAL);
    ser_close(h);
}

TEST(NpzView, AlignedWritingGivesSixtyFourByteAlignedViewsAndNumpyStillReadsTheFile) {
    const std::string path = testsupport::scratch_dir() + "/aligned.npz";
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 0;
    o.align_data = 1;
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    std::vector<std::string> keys;
    for (int k = 0; k < 40; ++k) {  // key lengths and sizes that shift every offset
        keys.push_back(std::string(size_t(k % 7) + 1, 'k') + std::to_string(k));
        std::vector<float> v(size_t(k) * 3 + 1);
        for (size_t i = 0; i < v.size(); ++i) v[i] = float(k) + float(i) / 8;
        const int64_t shape[1] = {int64_t(v.size())};
        ASSERT_EQ(ser_put_array(w, keys.back().c_str(), SER_FLOAT32, 1, shape, v.data(), v.size() * 4), SER_OK);
    }
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    ser_handle *h = nullptr;
    ASSERT_EQ(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), SER_OK);
    for (int k = 0; k < 40; ++k) {
        const void *p = nullptr;
        ser_array_info info;
        ASSERT_EQ(ser_npz_view(&p, &info, h, keys[size_t(k)].c_str()), SER_OK) << ser_errmsg();
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << keys[size_t(k)];
        EXPECT_EQ(static_cast<const float *>(p)[info.shape[0] - 1], float(k) + float(info.shape[0] - 1) / 8);
    }
    ser_close(h);
    std::string out;
    EXPECT_EQ(testsupport::run_python("npz_view_check_aligned.py", {path}, &out), 0) << out;
}

TEST(NpzView, StaysValidWhileTheRootIsOpenAfterTheChildIsClosed) {
    const std::string path = testsupport::scratch_dir() + "/child.npz";
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 0;
    ser_handle *w = nullptr, *c = nullptr;
    ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, &o), SER_OK);
    const int64_t shape[1] = {2};
    const int64_t v[2] = {7, 9};
    ASSERT_EQ(ser_put_array(w, "l1/W", SER_INT64, 1, shape, v, sizeof v), SER_OK);
    ASSERT_EQ(ser_close(w), SER_OK);
    ser_handle *h = nullptr;
    ASSERT_EQ(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), SER_OK);
    ASSERT_EQ(ser_child(&c, h, "l1"), SER_OK);
    const void *p = nullptr;
    ser_array_info info;
    ASSERT_EQ(ser_npz_view(&p, &info, c, "W"), SER_OK) << ser_errmsg();
    ser_close(c);
    EXPECT_EQ(element<int64_t>(p, 1), 9);
    ser_close(h);
}

}  // namespace
