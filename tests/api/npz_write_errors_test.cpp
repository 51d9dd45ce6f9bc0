// Errors a writer reports at the put that caused them, whatever is still queued for compression.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"

namespace {

TEST(NpzWriteErrors, SecondPutOfAKeyIsRefusedByThatPutAndTheFileKeepsTheFirst) {
    for (int compress : {0, 1}) {
        const std::string path = testsupport::scratch_dir() + "/dup.npz";
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.compress = compress;
        o.threads = 2;  // small members wait in a batch for a worker
        ser_handle *w = nullptr;
        ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, &o), SER_OK);
        ASSERT_EQ(ser_put_int64(w, "t", 1), SER_OK);
        EXPECT_EQ(ser_put_int64(w, "/t", 2), SER_EEXISTS);  // the same key once the slash is stripped
        EXPECT_NE(std::string(ser_errmsg()).find("'t'"), std::string::npos) << ser_errmsg();
        ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
        ser_handle *r = nullptr;
        ASSERT_EQ(ser_npz_open(&r, path.c_str(), SER_READ, nullptr), SER_OK);
        int64_t t = 0;
        EXPECT_EQ(ser_get_int64(&t, nullptr, r, "t"), SER_OK);
        EXPECT_EQ(t, 1);
        ser_close(r);
    }
}

}  // namespace
