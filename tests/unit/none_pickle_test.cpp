// Chainer's None: the pickle the library writes, and the whitelist reader of None pickles.
#include <gtest/gtest.h>

#include "npz/none_pickle.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace chainerser::core;

bool recognised(const std::string &bytes) {
    return is_none_pickle(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
}

TEST(NonePickle, WritesNumPy1Bytes) {
    const std::string dir = testsupport::scratch_dir();
    testsupport::python_ok("npz_pickles.py", {testsupport::data_path(""), dir});
    EXPECT_EQ(none_pickle(), testsupport::read_file(dir + "/accept_numpy1_fixture.pkl"));
    EXPECT_EQ(none_pickle().size(), 150u);
    EXPECT_TRUE(recognised(none_pickle()));
}

TEST(NonePickle, AcceptsNoneAndRejectsEverythingElse) {
    const std::string dir = testsupport::scratch_dir();
    std::string names = testsupport::python_ok("npz_pickles.py", {testsupport::data_path(""), dir});
    size_t accepted = 0, rejected = 0;
    for (const std::string &name : testsupport::split(names, '\n')) {
        if (name.empty()) continue;
        const std::string bytes = testsupport::read_file(dir + "/" + name + ".pkl");
        if (name.rfind("accept_", 0) == 0) {
            EXPECT_TRUE(recognised(bytes)) << name;
            ++accepted;
        } else {
            ASSERT_EQ(name.rfind("reject_", 0), 0u) << name;
            EXPECT_FALSE(recognised(bytes)) << name;
            ++rejected;
        }
    }
    EXPECT_EQ(accepted, 7u);
    EXPECT_GE(rejected, 20u);
}

TEST(NonePickle, EveryTruncationOfTheWrittenPickleIsRejected) {
    const std::string &p = none_pickle();
    for (size_t n = 0; n < p.size(); ++n) EXPECT_FALSE(recognised(p.substr(0, n))) << n;
}

}  // namespace
