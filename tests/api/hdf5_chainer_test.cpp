// Chainer's own HDF5 serializer tests (chainer-test-checklist.md, HDF5 sections) and concurrency.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <cstring>
#include <thread>

#include "api/hdf5_helpers.h"

namespace {

const float kY[6] = {0.5f, -1.25f, 3.0e-5f, 70000.0f, 1.0f / 3, -2.0f};
const int64_t kShape23[2] = {2, 3};

// The file of TestHDF5Deserializer: group x, y float32 (2,3), z 0-d int 10, w Empty('f').
std::string write_reader_fixture() {
    const std::string path = testsupport::scratch_dir() + "/deser.h5";
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ser_handle *x = nullptr;
    EXPECT_EQ(ser_child(&x, h, "x"), SER_OK);
    ser_close(x);
    EXPECT_EQ(ser_put_array(h, "y", SER_FLOAT32, 2, kShape23, kY, sizeof kY), SER_OK);
    EXPECT_EQ(ser_put_int64(h, "z", 10), SER_OK);
    EXPECT_EQ(ser_put_none(h, "w"), SER_OK);
    EXPECT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    return path;
}

TEST(Hdf5Chainer, SerializerCompressionLevelScalarAndNone) {
    const std::string path = testsupport::scratch_dir() + "/ser.h5";
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compression_level = 3;
    ser_handle *h = h5test::open_h5(path, SER_WRITE, &o);
    ser_handle *x = nullptr;
    ASSERT_EQ(ser_child(&x, h, "x"), SER_OK);
    ASSERT_EQ(ser_put_array(x, "y", SER_FLOAT32, 2, kShape23, kY, sizeof kY), SER_OK);  // child inherits level 3
    ASSERT_EQ(ser_put_int64(h, "scalar", 10), SER_OK);
    ASSERT_EQ(ser_put_none(h, "none"), SER_OK);
    ser_close(x);
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    auto dump = h5test::h5py_dump(path);
    EXPECT_EQ(dump["x/y"].compression_opts, "3");
    EXPECT_EQ(dump["x/y"].dtype, "<f4");
    EXPECT_EQ(dump["x/y"].sha256, testsupport::sha256_hex(kY, sizeof kY));
    EXPECT_EQ(dump["scalar"].compression_opts, "-");
    EXPECT_EQ(dump["scalar"].dtype, "<i8");
    EXPECT_EQ(dump["none"].shape, "none");
}

TEST(Hdf5Chainer, DeserializerReadsArraysScalarsAndNone) {
    const std::string path = write_reader_fixture();
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    float y[6] = {};
    int32_t outcome = -1;
    ASSERT_EQ(ser_get_array(&outcome, h, "y", SER_FLOAT32, 2, kShape23, y, sizeof y), SER_OK);
    EXPECT_EQ(0, std::memcmp(y, kY, sizeof y));
    int64_t z = 5;
    ASSERT_EQ(ser_get_int64(&z, &outcome, h, "z"), SER_OK);
    EXPECT_EQ(z, 10);
    float target[6] = {9, 9, 9, 9, 9, 9};
    ASSERT_EQ(ser_get_array(&outcome, h, "w", SER_FLOAT32, 2, kShape23, target, sizeof target), SER_OK);
    EXPECT_EQ(outcome, SER_WAS_NONE);  // None into an array target leaves it
    EXPECT_EQ(target[0], 9);
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, h, "w"), SER_OK);
    EXPECT_EQ(info.dtype, SER_NONE);
    ser_handle *x = nullptr;
    ASSERT_EQ(ser_child(&x, h, "x"), SER_OK);
    EXPECT_EQ(h5test::keys_of(x).size(), 0u);  // an empty group has no keys
    ser_close(x);
    ser_close(h);
}

TEST(Hdf5Chainer, Float32IntoFloat16TargetMatchesH5pyReadDirect) {
    const std::string path = write_reader_fixture();
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.cast = SER_CAST_SAME_KIND;
    ser_handle *h = h5test::open_h5(path, SER_READ, &o);
    ASSERT_NE(h, nullptr);
    uint16_t half[6];
    ASSERT_EQ(ser_get_array(nullptr, h, "y", SER_FLOAT16, 2, kShape23, half, sizeof half), SER_OK) << ser_errmsg();
    EXPECT_EQ(testsupport::sha256_hex(half, sizeof half) + "\n",
              h5test::python_output("h5_read_direct.py", {path, "y", "float16"}));
    ser_close(h);
}

TEST(Hdf5Chainer, NonStrictLeavesMissingDatasetsAndGroups) {
    const std::string path = write_reader_fixture();
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.strict = 0;
    ser_handle *h = h5test::open_h5(path, SER_READ, &o);
    ASSERT_NE(h, nullptr);
    float t[6] = {4, 4, 4, 4, 4, 4};
    int32_t outcome = -1;
    ASSERT_EQ(ser_get_array(&outcome, h, "nope", SER_FLOAT32, 2, kShape23, t, sizeof t), SER_OK);
    EXPECT_EQ(outcome, SER_SKIP_MISSING);
    ser_handle *c = nullptr;
    ASSERT_EQ(ser_child(&c, h, "child/linear2"), SER_OK);
    ASSERT_EQ(ser_get_array(&outcome, c, "W", SER_FLOAT32, 2, kShape23, t, sizeof t), SER_OK);
    EXPECT_EQ(outcome, SER_SKIP_MISSING);
    EXPECT_EQ(t[0], 4);
    ser_close(c);
    ser_close(h);
}

// TestGroupHierachy: parent chain with child 'child' (link 'linear' W, b; param Wc) and param Wp,
// plus optimizer state, written under the group 'test'.
void write_chain(ser_handle *s, bool optimizer) {
    const float w[6] = {1, 2, 3, 4, 5, 6}, b[3] = {1, 2, 3}, p[2] = {7, 8};
    const int64_t s23[2] = {2, 3}, s3[1] = {3}, s2[1] = {2};
    ser_handle *child = nullptr, *linear = nullptr;
    ASSERT_EQ(ser_child(&child, s, "child"), SER_OK);
    ASSERT_EQ(ser_child(&linear, child, "linear"), SER_OK);
    ASSERT_EQ(ser_put_array(linear, "W", SER_FLOAT32, 2, s23, w, sizeof w), SER_OK);
    ASSERT_EQ(ser_put_array(linear, "b", SER_FLOAT32, 1, s3, b, sizeof b), SER_OK);
    ASSERT_EQ(ser_put_array(child, "Wc", SER_FLOAT32, 1, s2, p, sizeof p), SER_OK);
    ASSERT_EQ(ser_put_array(s, "Wp", SER_FLOAT32, 1, s2, p, sizeof p), SER_OK);
    if (optimizer) {
        ASSERT_EQ(ser_put_int64(s, "epoch", 0), SER_OK);
        ASSERT_EQ(ser_put_int64(s, "t", 0), SER_OK);
    }
    ser_close(linear);
    ser_close(child);
}

TEST(Hdf5Chainer, GroupLayoutOfAChainAndOptimizerUnderTest) {
    for (bool optimizer : {false, true}) {
        const std::string path = testsupport::scratch_dir() + "/hier.h5";
        ser_handle *root = h5test::open_h5(path, SER_WRITE);
        ser_handle *test = nullptr;
        ASSERT_EQ(ser_child(&test, root, "test"), SER_OK);
        write_chain(test, optimizer);
        ser_close(test);
        ASSERT_EQ(ser_close(root), SER_OK) << ser_errmsg();
        EXPECT_EQ(h5test::python_output("h5_groups.py", {path}),
                  std::string("\ttest\n") + "test\tWp,child" + (optimizer ? ",epoch,t" : "") +
                      "\ntest/child\tWc,linear\ntest/child/linear\tW,b\n");

        ser_handle *r = h5test::open_h5(path, SER_READ), *rt = nullptr;
        ASSERT_EQ(ser_child(&rt, r, "test"), SER_OK);
        float w[6];
        ASSERT_EQ(ser_get_array(nullptr, rt, "child/linear/W", SER_FLOAT32, 2, kShape23, w, sizeof w), SER_OK);
        EXPECT_EQ(w[5], 6);
        std::vector<std::string> expected = {"Wp", "child/Wc", "child/linear/W", "child/linear/b"};
        if (optimizer) expected = {"Wp", "child/Wc", "child/linear/W", "child/linear/b", "epoch", "t"};
        EXPECT_EQ(h5test::keys_of(rt), expected);
        ser_close(rt);
        ser_close(r);
    }
}

TEST(Hdf5Chainer, ThreadsWriteAndReadTheirOwnFilesAtOnce) {
    const std::string dir = testsupport::scratch_dir();
    constexpr int kThreads = 4, kRounds = 15;
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds; ++round) {
                const std::string path = dir + "/t" + std::to_string(t) + ".h5";
                std::vector<double> data(3000);
                for (size_t k = 0; k < data.size(); ++k) data[k] = t * 1e6 + round * 1e3 + double(k);
                const int64_t shape[2] = {30, 100};
                ser_handle *h = nullptr;
                if (ser_h5_open(&h, path.c_str(), SER_WRITE, nullptr) != SER_OK) { ++failures[t]; continue; }
                ser_handle *c = nullptr;
                ser_child(&c, h, "layer");
                bool ok = ser_put_array(c, "W", SER_FLOAT64, 2, shape, data.data(), data.size() * 8) == SER_OK &&
                          ser_put_int64(h, "round", round) == SER_OK;
                ser_close(c);
                ok = ser_close(h) == SER_OK && ok;
                ser_handle *r = nullptr;
                ok = ok && ser_h5_open(&r, path.c_str(), SER_READ, nullptr) == SER_OK;
                std::vector<double> back(3000);
                int64_t got = -1;
                ok = ok && ser_get_array(nullptr, r, "layer/W", SER_FLOAT64, 2, shape, back.data(), back.size() * 8) == SER_OK;
                ok = ok && ser_get_int64(&got, nullptr, r, "round") == SER_OK;
                ser_close(r);
                if (!ok || back != data || got != round) ++failures[t];
            }
        });
    }
    for (auto &th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
