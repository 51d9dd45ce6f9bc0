// Scratch files beside a target (src/core/atomic_file.cpp): O_TMPFILE, and the named-then-unlinked
// way for file systems without it. Both leave no name in the directory and hold what is written.
#include <gtest/gtest.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace {

using chainerser::core::Error;

std::set<std::string> names_in(const std::string &dir) {
    std::set<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    while (struct dirent *e = d ? ::readdir(d) : nullptr) names.insert(e->d_name);
    if (d) ::closedir(d);
    return names;
}

class ScratchFile : public ::testing::TestWithParam<int (*)(const std::string &)> {};

TEST_P(ScratchFile, HoldsItsBytesAndLeavesNoName) {
    const std::string dir = testsupport::scratch_dir();
    const std::set<std::string> before = names_in(dir);
    const int fd = GetParam()(dir + "/model.npz");
    ASSERT_GE(fd, 0);
    EXPECT_EQ(names_in(dir), before) << "a name was left in the directory";
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
    std::string bytes(size_t(1) << 20, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 131 + 7);
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 4096), ssize_t(bytes.size()));
    std::string back(bytes.size(), '\0');
    ASSERT_EQ(::pread(fd, back.data(), back.size(), 4096), ssize_t(back.size()));
    EXPECT_TRUE(back == bytes);
    ::close(fd);
    EXPECT_EQ(names_in(dir), before);
}

TEST_P(ScratchFile, AMissingDirectoryIsNotFound) {
    const std::string target = testsupport::scratch_dir() + "/no/such/dir/model.npz";
    try {
        GetParam()(target);
        FAIL() << "no error";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), SER_ENOTFOUND);
        EXPECT_NE(std::string(e.what()).find(target), std::string::npos) << e.what();
    }
    EXPECT_THROW(GetParam()(""), Error);
}

INSTANTIATE_TEST_SUITE_P(Ways, ScratchFile,
                         ::testing::Values(chainerser::core::open_scratch_beside,
                                           chainerser::core::open_named_scratch_beside),
                         [](const auto &info) { return info.index == 0 ? "OTmpfileFirst" : "NamedThenUnlinked"; });

}  // namespace
