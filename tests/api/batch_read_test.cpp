// ser_get_arrays: many reads at once, each with its own status and outcome, equal to reading one
// by one whatever the number of threads.
#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

std::string write_file(bool compress, int count) {
    const std::string path = testsupport::scratch_dir() + (compress ? "/c.npz" : "/s.npz");
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    ser_handle *w = nullptr;
    EXPECT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, &o), SER_OK);
    for (int k = 0; k < count; ++k) {
        std::vector<double> v(size_t(k) * 100 + 1);
        for (size_t i = 0; i < v.size(); ++i) v[i] = k * 1000.0 + double(i);
        const int64_t shape[1] = {int64_t(v.size())};
        EXPECT_EQ(ser_put_array(w, ("k" + std::to_string(k)).c_str(), SER_FLOAT64, 1, shape, v.data(), v.size() * 8), SER_OK);
    }
    EXPECT_EQ(ser_put_none(w, "none"), SER_OK);
    EXPECT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    return path;
}

TEST(BatchRead, EveryRequestIsFilledExactlyWithOneToFourThreads) {
    for (bool compress : {true, false}) {
        const int count = 64;
        const std::string path = write_file(compress, count);
        for (int threads : {1, 2, 4}) {
            ser_options o;
            ser_options_init(&o, SER_OPTIONS_VERSION);
            o.threads = threads;
            ser_handle *h = nullptr;
            ASSERT_EQ(ser_npz_open(&h, path.c_str(), SER_READ, &o), SER_OK);
            std::vector<std::vector<double>> bufs(count);
            std::vector<std::string> keys(count);
            std::vector<int64_t> shapes(count);
            std::vector<ser_get_request> reqs(count);
            for (int k = 0; k < count; ++k) {
                bufs[size_t(k)].assign(size_t(k) * 100 + 1, -1.0);
                keys[size_t(k)] = "k" + std::to_string(k);
                shapes[size_t(k)] = int64_t(bufs[size_t(k)].size());
                reqs[size_t(k)] = {keys[size_t(k)].c_str(), SER_FLOAT64, 1, &shapes[size_t(k)], bufs[size_t(k)].data(),
                                   bufs[size_t(k)].size() * 8, -99, -99};
            }
            ASSERT_EQ(ser_get_arrays(h, reqs.data(), reqs.size()), SER_OK) << ser_errmsg();
            for (int k = 0; k < count; ++k) {
                EXPECT_EQ(reqs[size_t(k)].status, SER_OK);
                EXPECT_EQ(reqs[size_t(k)].outcome, SER_LOADED);
                for (size_t i = 0; i < bufs[size_t(k)].size(); ++i)
                    ASSERT_EQ(bufs[size_t(k)][i], k * 1000.0 + double(i)) << keys[size_t(k)] << " threads " << threads;
            }
            ser_close(h);
        }
    }
}

TEST(BatchRead, EachRequestGetsItsOwnStatusAndTheFirstFailureIsReported) {
    const std::string path = write_file(true, 3);
    ser_handle *h = nullptr;
    ASSERT_EQ(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), SER_OK);
    std::vector<double> ok(101, 0), wrong(5, 0), none(1, 7);
    const int64_t ok_shape = 101, wrong_shape = 5, none_shape = 1;
    ser_get_request reqs[4] = {
        {"k1", SER_FLOAT64, 1, &ok_shape, ok.data(), ok.size() * 8, -99, -99},
        {"k2", SER_FLOAT64, 1, &wrong_shape, wrong.data(), wrong.size() * 8, -99, -99},  // file has (201,)
        {"missing", SER_FLOAT64, 1, &wrong_shape, wrong.data(), wrong.size() * 8, -99, -99},
        {"none", SER_FLOAT64, 1, &none_shape, none.data(), 8, -99, -99},
    };
    EXPECT_EQ(ser_get_arrays(h, reqs, 4), SER_EMISMATCH);
    const std::string msg = ser_errmsg();
    EXPECT_NE(msg.find("'k2'"), std::string::npos) << msg;  // the first failure in array order
    EXPECT_EQ(reqs[0].status, SER_OK);
    EXPECT_EQ(reqs[0].outcome, SER_LOADED);
    EXPECT_EQ(ok[100], 1100.0);
    EXPECT_EQ(reqs[1].status, SER_EMISMATCH);
    EXPECT_EQ(reqs[2].status, SER_ENOTFOUND);
    EXPECT_EQ(reqs[3].status, SER_OK);
    EXPECT_EQ(reqs[3].outcome, SER_WAS_NONE);
    EXPECT_EQ(none[0], 7.0);  // None leaves the buffer alone
    EXPECT_EQ(ser_get_arrays(h, nullptr, 0), SER_OK);
    EXPECT_EQ(ser_get_arrays(h, nullptr, 2), SER_EINVAL);
    ser_close(h);
}

}  // namespace
