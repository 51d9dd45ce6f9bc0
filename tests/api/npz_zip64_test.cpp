// More than 65535 members: the writer switches to zip64 end records exactly as CPython's zipfile
// does, NumPy reads the archive, and so do we.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"

namespace {

TEST(NpzZip64, SeventyThousandMembersAreWrittenWithZip64EndRecordsAndReadBack) {
    const std::string path = testsupport::scratch_dir() + "/many.npz";
    const int count = 70000;
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 0;
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    for (int k = 0; k < count; ++k)
        ASSERT_EQ(ser_put_int64(w, ("opt/p" + std::to_string(k) + "/t").c_str(), int64_t(k) * 3), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    std::string out;  // the script checks the zip64 end record and locator and every value
    ASSERT_EQ(testsupport::run_python("npz_zip64_check.py", {path, std::to_string(count)}, &out), 0) << out;

    ser_handle *r = nullptr;
    ASSERT_EQ(ser_npz_open(&r, path.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    size_t n = 0;
    ASSERT_EQ(ser_key_count(&n, r), SER_OK);
    EXPECT_EQ(n, size_t(count));
    for (int k : {0, 65534, 65535, 65536, count - 1}) {
        int64_t v = -1;
        ASSERT_EQ(ser_get_int64(&v, nullptr, r, ("opt/p" + std::to_string(k) + "/t").c_str()), SER_OK) << ser_errmsg();
        EXPECT_EQ(v, int64_t(k) * 3);
    }
    ser_close(r);
}

}  // namespace
