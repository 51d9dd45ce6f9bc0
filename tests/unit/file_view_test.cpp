// A private, writable mapping of part of a file (src/core/file_view.cpp), and pages of it handed
// back while it is read: contents, writable headroom, writes that never reach the file, resident
// memory.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "core/error.h"
#include "core/file_view.h"
#include "support/test_support.h"

namespace {

using chainerser::core::PagesHandedBack;
using chainerser::core::PrivateFileView;

// The process's resident set, from /proc/self/status (VmRSS), in bytes.
size_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return size_t(std::stoull(line.substr(6))) * 1024;
    return 0;
}

std::string random_text(size_t n, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (size_t i = 0; i + 8 <= n; i += 8) {
        const uint64_t v = rng();
        std::memcpy(&s[i], &v, 8);
    }
    return s;
}

struct File {
    std::string path, bytes;
    int fd = -1;
    File(const std::string &p, std::string b) : path(p), bytes(std::move(b)) {
        testsupport::write_file(path, bytes);
        fd = ::open(path.c_str(), O_RDONLY);
    }
    ~File() { ::close(fd); }
};

TEST(PrivateFileView, HoldsTheRangeAfterWritableHeadroom) {
    File f(testsupport::scratch_dir() + "/view.bin", random_text(3 << 20, 1));
    for (uint64_t offset : {uint64_t(0), uint64_t(1), uint64_t(4095), uint64_t(4096), uint64_t(1234567)}) {
        SCOPED_TRACE(offset);
        const uint64_t size = f.bytes.size() - offset - 5;
        PrivateFileView v(f.fd, offset, size, 40000, "view.bin: ");
        EXPECT_EQ(std::memcmp(v.data(), f.bytes.data() + offset, size), 0);
        std::memset(v.data() - 40000, 0x5a, 40000 + 100);  // headroom and the view's first bytes
        v.data()[size - 1] ^= 0xff;
    }
    EXPECT_TRUE(testsupport::read_file(f.path) == f.bytes) << "a write to the view reached the file";
}

TEST(PrivateFileView, AnEmptyOrUnmappableRangeIsAnError) {
    File f(testsupport::scratch_dir() + "/small.bin", random_text(4096, 2));
    EXPECT_THROW(PrivateFileView(f.fd, 0, 0, 0, "small.bin: "), chainerser::core::Error);
    EXPECT_THROW(PrivateFileView(-1, 0, 100, 0, "small.bin: "), chainerser::core::Error);
}

TEST(PagesHandedBack, ReadsStayExactAndTheRangeLeavesTheResidentSet) {
    const size_t size = size_t(96) << 20, kept = size_t(1) << 20;
    File f(testsupport::scratch_dir() + "/big.bin", random_text(size, 3));
    PrivateFileView v(f.fd, 0, size, 0, "big.bin: ");
    v.data()[10] ^= 1;  // a written page before the handed-back range keeps what was written
    auto same_as_file = [&] {
        return v.data()[10] == uint8_t(f.bytes[10] ^ 1) && std::memcmp(v.data() + 11, f.bytes.data() + 11, size - 11) == 0;
    };
    ASSERT_TRUE(same_as_file());
    const size_t all_touched = resident_bytes();
    {
        PagesHandedBack back(v.data() + kept, size - kept);
        for (int k = 0; k < 5; ++k) ASSERT_TRUE(same_as_file()) << "read " << k << " while pages are handed back";
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        EXPECT_LT(resident_bytes() + (size_t(64) << 20), all_touched)
            << "the handed-back range is still resident: " << resident_bytes() << " of " << all_touched;
    }
    EXPECT_TRUE(same_as_file()) << "after the pages came back from the file";
}

}  // namespace
