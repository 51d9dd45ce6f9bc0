// Past zip's 32-bit limits: an array of more than 4 GiB. It is zeros except a few marked bytes
// around the 4 GiB boundary, so the deflated file stays small, but the member's sizes need zip64
// fields in its local header and the central directory. NumPy reads what we write, and we read it
// back. Needs about 9 GiB of memory at its peak (4 GiB here, then in NumPy), so the ASan run
// leaves it out (tools/hardening.sh).
#include <sys/mman.h>
#include <unistd.h>

#include <chainerser/chainerser.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

#include "support/test_support.h"

namespace {

// Zero-filled memory that costs nothing resident until written.
class ZeroPages {
public:
    explicit ZeroPages(size_t size)
        : size_(size), p_(::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) {}
    ~ZeroPages() {
        if (ok()) ::munmap(p_, size_);
    }
    ZeroPages(const ZeroPages &) = delete;
    ZeroPages &operator=(const ZeroPages &) = delete;
    bool ok() const { return p_ != MAP_FAILED; }
    unsigned char *data() const { return static_cast<unsigned char *>(p_); }

private:
    size_t size_;
    void *p_;
};

TEST(LargeFiles, CompressedMemberOverFourGiBRoundTripsThroughNumPy) {
    const size_t four_gib = size_t(1) << 32, n = four_gib + (size_t(1) << 20);
    const long pages = ::sysconf(_SC_AVPHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0 && uint64_t(pages) * uint64_t(page) < (uint64_t(12) << 30))
        GTEST_SKIP() << "needs 12 GiB of free memory";
    const std::map<size_t, unsigned char> marks = {
        {0, 1}, {four_gib - 1, 2}, {four_gib, 3}, {four_gib + 1, 4}, {n - 1, 5}};
    ZeroPages data(n);
    ASSERT_TRUE(data.ok());
    std::string marks_arg;
    for (const auto &[at, value] : marks) {
        data.data()[at] = value;
        marks_arg += (marks_arg.empty() ? "" : ",") + std::to_string(at) + ":" + std::to_string(value);
    }

    const std::string path = testsupport::scratch_dir() + "/large.npz";
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, nullptr), SER_OK) << ser_errmsg();
    const int64_t shape[1] = {int64_t(n)};
    ASSERT_EQ(ser_put_array(w, "big", SER_UINT8, 1, shape, data.data(), n), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_int64(w, "after", 7), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    std::string out;
    ASSERT_EQ(testsupport::run_python("npz_large_check.py", {path, std::to_string(n), marks_arg}, &out), 0) << out;

    ser_handle *r = nullptr;
    ASSERT_EQ(ser_npz_open(&r, path.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, r, "big"), SER_OK) << ser_errmsg();
    EXPECT_EQ(info.nbytes, uint64_t(n));
    ZeroPages back(n);
    ASSERT_TRUE(back.ok());
    std::memset(back.data() + n - 4096, 0xAB, 4096);  // the tail must be overwritten with the data
    ASSERT_EQ(ser_get_array(nullptr, r, "big", SER_UINT8, 1, shape, back.data(), n), SER_OK) << ser_errmsg();
    EXPECT_EQ(std::memcmp(back.data(), data.data(), n), 0);
    int64_t after = 0;
    ASSERT_EQ(ser_get_int64(&after, nullptr, r, "after"), SER_OK) << ser_errmsg();
    EXPECT_EQ(after, 7);
    ser_close(r);
}

}  // namespace
