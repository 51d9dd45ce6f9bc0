// Bad input: each failure a clear error with the right code, naming the file, the key and the cause.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include "api/hdf5_helpers.h"

namespace {

std::string msg() { return ser_errmsg(); }

TEST(Hdf5Errors, MissingFileIsNotFound) {
    const std::string path = testsupport::scratch_dir() + "/absent.h5";
    ser_handle *h = reinterpret_cast<ser_handle *>(1);
    EXPECT_EQ(ser_h5_open(&h, path.c_str(), SER_READ, nullptr), SER_ENOTFOUND);
    EXPECT_EQ(h, nullptr);
    EXPECT_NE(msg().find(path), std::string::npos) << msg();
}

TEST(Hdf5Errors, NotAnHdf5FileIsAFormatError) {
    const std::string dir = testsupport::scratch_dir();
    for (const std::string &content : {std::string("this is text, not HDF5\n"), std::string()}) {
        const std::string path = dir + "/not" + std::to_string(content.size()) + ".h5";
        testsupport::write_file(path, content);
        ser_handle *h = nullptr;
        EXPECT_EQ(ser_h5_open(&h, path.c_str(), SER_READ, nullptr), SER_EFORMAT);
        EXPECT_NE(msg().find(path + ": not an HDF5 file"), std::string::npos) << msg();
    }
    ser_handle *h = nullptr;  // an NPZ is not HDF5 either
    EXPECT_EQ(ser_h5_open(&h, testsupport::data_path("mlp.npz").c_str(), SER_READ, nullptr), SER_EFORMAT);
}

TEST(Hdf5Errors, TruncatedFileIsAFormatErrorNamingTheFile) {
    const std::string whole = testsupport::read_file(testsupport::data_path("mlp.h5"));
    const std::string path = testsupport::scratch_dir() + "/truncated.h5";
    testsupport::write_file(path, whole.substr(0, whole.size() / 2));
    ser_handle *h = nullptr;
    int rc = ser_h5_open(&h, path.c_str(), SER_READ, nullptr);
    if (rc == SER_OK) {  // if the superblock survives, reading the data must fail instead
        std::vector<float> buf(32);
        const int64_t shape[2] = {8, 4};
        rc = ser_get_array(nullptr, h, "l1/W", SER_FLOAT32, 2, shape, buf.data(), 128);
        ser_close(h);
    }
    EXPECT_EQ(rc, SER_EFORMAT);
    EXPECT_NE(msg().find(path), std::string::npos) << msg();
    EXPECT_NE(msg().find("HDF5: "), std::string::npos) << "HDF5's error stack is folded in: " << msg();
}

TEST(Hdf5Errors, MissingDatasetAndGroup) {
    ser_handle *h = h5test::open_h5(testsupport::data_path("mlp.h5"), SER_READ);
    ASSERT_NE(h, nullptr);
    float buf[32];
    const int64_t shape[2] = {8, 4};
    EXPECT_EQ(ser_get_array(nullptr, h, "l1/nope", SER_FLOAT32, 2, shape, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_NE(msg().find("mlp.h5: key 'l1/nope'"), std::string::npos) << msg();
    EXPECT_EQ(ser_get_array(nullptr, h, "l9/W", SER_FLOAT32, 2, shape, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_NE(msg().find("key 'l9/W'"), std::string::npos) << msg();
    EXPECT_EQ(ser_get_array(nullptr, h, "l1/W/deeper", SER_FLOAT32, 2, shape, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_EQ(ser_get_array(nullptr, h, "l1", SER_FLOAT32, 2, shape, buf, sizeof buf), SER_ENOTFOUND);  // a group
    int has = 1;
    EXPECT_EQ(ser_has(&has, h, "l1"), SER_OK);
    EXPECT_EQ(has, 0);
    ser_handle *child = nullptr;
    ASSERT_EQ(ser_child(&child, h, "missing_group"), SER_OK);  // Chainer: group=None, fails on first read
    EXPECT_EQ(ser_get_array(nullptr, child, "W", SER_FLOAT32, 2, shape, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_NE(msg().find("missing_group/W"), std::string::npos) << msg();
    ser_close(child);
    ser_close(h);
}

TEST(Hdf5Errors, WrongShapeOrDtype) {
    ser_handle *h = h5test::open_h5(testsupport::data_path("mlp.h5"), SER_READ);
    ASSERT_NE(h, nullptr);
    int32_t buf[32];
    const int64_t good[2] = {8, 4}, bad[2] = {4, 8};
    EXPECT_EQ(ser_get_array(nullptr, h, "l1/W", SER_FLOAT32, 2, bad, buf, sizeof buf), SER_EMISMATCH);
    EXPECT_NE(msg().find("shape (8, 4) in file, (4, 8) requested"), std::string::npos) << msg();
    EXPECT_EQ(ser_get_array(nullptr, h, "l1/W", SER_INT32, 2, good, buf, sizeof buf), SER_EMISMATCH);
    EXPECT_NE(msg().find("l1/W"), std::string::npos) << msg();
    ser_close(h);
}

TEST(Hdf5Errors, WritingProblems) {
    const std::string dir = testsupport::scratch_dir();
    ser_handle *h = nullptr;
    EXPECT_EQ(ser_h5_open(&h, (dir + "/no/such/dir/x.h5").c_str(), SER_WRITE, nullptr), SER_ENOTFOUND);
    h = h5test::open_h5(dir + "/w.h5", SER_WRITE);
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(ser_put_int64(h, "a", 1), SER_OK);
    EXPECT_EQ(ser_put_int64(h, "a", 2), SER_EEXISTS);
    EXPECT_EQ(ser_put_int64(h, "a/b", 2), SER_EINVAL);  // 'a' is a dataset, not a group
    EXPECT_NE(msg().find("w.h5: key 'a/b'"), std::string::npos) << msg();
    ser_handle *c = nullptr;
    EXPECT_EQ(ser_child(&c, h, "a"), SER_EEXISTS);
    EXPECT_EQ(ser_close(h), SER_OK) << msg();
}

}  // namespace
