// The safety limits of ser_options (max_header_bytes, max_entry_bytes, max_members,
// max_inflate_ratio, max_total_bytes): each default, a lowered value giving SER_ELIMIT with a
// clear message before any large allocation, and callers built against the version-1 struct.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "support/hardening.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

bool mentions(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

ser_options defaults() {
    ser_options o;
    EXPECT_EQ(ser_options_init(&o, SER_OPTIONS_VERSION), SER_OK);
    return o;
}

TEST(HardeningLimits, DefaultsAreNumPysHeaderLimitDeflatesRatioAndAMillionMembers) {
    ser_options o = defaults();
    EXPECT_EQ(o.max_header_bytes, 10000u);
    EXPECT_EQ(o.max_entry_bytes, 0u);
    EXPECT_EQ(o.max_members, 1048576u);
    EXPECT_EQ(o.max_inflate_ratio, 1032u);
    EXPECT_EQ(o.max_total_bytes, 0u);
    const ser_options s = SER_OPTIONS_INIT;  // the static initialiser agrees
    EXPECT_EQ(s.max_header_bytes, o.max_header_bytes);
    EXPECT_EQ(s.max_entry_bytes, o.max_entry_bytes);
    EXPECT_EQ(s.max_members, o.max_members);
    EXPECT_EQ(s.max_inflate_ratio, o.max_inflate_ratio);
    EXPECT_EQ(s.max_total_bytes, o.max_total_bytes);
    EXPECT_EQ(s.version, o.version);
}

TEST(HardeningLimits, HeaderBytes) {
    // NumPy reads a 10000-character header and refuses 10001 (hardening_inputs.py checks both).
    expect_npz_matches(hardening_input("header_10000.npz"), hardening_input("header_10000.npz.expect"));
    const std::string big = hardening_input("header_10001.npz");
    std::vector<KeyRead> r = read_keys(ser_npz_open, big, {"a"});
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, big + ": key 'a'") &&
                mentions(r[0].message, "npy header of 10001 bytes exceeds the limit of 10000"))
        << r[0].message;
    ser_options o = defaults();
    o.max_header_bytes = 0;  // no limit
    r = read_keys(ser_npz_open, big, {"a"}, &o);
    EXPECT_EQ(r[0].code, SER_OK) << r[0].message;
    // Without a limit a header claiming 4 GiB still cannot pass its 200-byte member.
    const long rss = peak_rss_kib();
    r = read_keys(ser_npz_open, hardening_input("lie_v2_hlen_4g.npz"), {"a"}, &o);
    EXPECT_EQ(r[0].code, SER_EFORMAT) << r[0].message;
    EXPECT_LT(peak_rss_kib() - rss, 8 * 1024);
    // Lowered below numpy's usual 128-byte preamble+header: refused.
    o.max_header_bytes = 100;
    r = read_keys(ser_npz_open, hardening_input("small_stored.npz"), {"a"}, &o);
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, "small_stored.npz: key 'a'") && mentions(r[0].message, "limit of 100"))
        << r[0].message;
    o.max_header_bytes = 118;  // numpy's header of that file: 128 bytes minus the 10-byte preamble
    r = read_keys(ser_npz_open, hardening_input("small_stored.npz"), {"a"}, &o);
    EXPECT_EQ(r[0].code, SER_OK) << r[0].message;
}

TEST(HardeningLimits, EntryBytes) {
    const std::string path = hardening_input("many_stored.npz");
    const uint64_t k05 = (1000 + 937 * 5) * 4;  // k05: float32 of 5685 elements
    ser_options o = defaults();
    o.max_entry_bytes = k05 - 1;
    std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"k05", "k00"}, &o);
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, path + ": key 'k05'") &&
                mentions(r[0].message, std::to_string(k05) + " bytes exceed the entry limit of " + std::to_string(k05 - 1)))
        << r[0].message;
    EXPECT_EQ(r[1].code, SER_OK) << r[1].message;  // 4000 bytes
    o.max_entry_bytes = k05;
    r = read_keys(ser_npz_open, path, {"k05"}, &o);
    ASSERT_EQ(r[0].code, SER_OK) << r[0].message;
    EXPECT_EQ(r[0].bytes, pattern_bytes(5, 5685, SER_FLOAT32));

    // Refused before inflating: 32 MiB of zeros into an untouched buffer; no new peak memory.
    const std::string bomb = hardening_input("bomb_zeros.npz");
    o.max_entry_bytes = 1 << 20;
    Handle h = open_npz(bomb, SER_READ, &o);
    ASSERT_TRUE(h);
    const size_t size = size_t(32) << 20;
    void *buf = std::malloc(size);  // not touched: costs no resident memory unless written
    ASSERT_NE(buf, nullptr);
    const int64_t shape[1] = {int64_t(4) << 20};
    const long rss = peak_rss_kib();
    EXPECT_EQ(ser_get_array(nullptr, h.get(), "z", SER_FLOAT64, 1, shape, buf, size), SER_ELIMIT);
    EXPECT_TRUE(mentions(errmsg(), "exceed the entry limit of 1048576")) << errmsg();
    EXPECT_LT(peak_rss_kib() - rss, 4 * 1024) << "KiB of new peak memory";
    std::free(buf);
}

// A zip whose zip64 end record claims `count` members in a central directory of zeros, as a
// sparse file: the directory is never read when the member limit refuses it first.
std::string sparse_zip(const std::string &dir, uint64_t count) {
    const std::string path = dir + "/claims" + std::to_string(count) + ".npz";
    const uint64_t cd_size = count * 46;
    std::string tail;
    auto put = [&tail](uint64_t v, int n) {
        for (int i = 0; i < n; ++i) tail += char((v >> (8 * i)) & 0xff);
    };
    put(0x06064b50, 4), put(44, 8), put(45, 2), put(45, 2), put(0, 4), put(0, 4);  // zip64 end record
    put(count, 8), put(count, 8), put(cd_size, 8), put(0, 8);
    put(0x07064b50, 4), put(0, 4), put(cd_size, 8), put(1, 4);  // locator
    put(0x06054b50, 4), put(0, 2), put(0, 2), put(0xffff, 2), put(0xffff, 2);  // end record
    put(0xffffffff, 4), put(0xffffffff, 4), put(0, 2);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::pwrite(fd, tail.data(), tail.size(), off_t(cd_size)), ssize_t(tail.size()));
    ::close(fd);
    return path;
}

TEST(HardeningLimits, Members) {
    const std::string dir = scratch_dir();
    const std::string over = sparse_zip(dir, 1048577);
    const long rss = peak_rss_kib();
    std::vector<KeyRead> r = read_keys(ser_npz_open, over, {"a"});
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, over + ": 1048577 members exceed the limit of 1048576")) << r[0].message;
    EXPECT_LT(peak_rss_kib() - rss, 4 * 1024) << "KiB of new peak memory";
    // Exactly the default is allowed: the (zero) directory is then read, in a child so that its
    // 46 MiB do not raise this process's peak memory for the other tests.
    const std::string at = sparse_zip(dir, 1048576);
    ChildResult c = run_child(
        [&](int out) {
            std::vector<KeyRead> rr = read_keys(ser_npz_open, at, {"a"});
            write_all(out, rr[0].message);
            return rr[0].code == SER_EFORMAT ? 0 : 1;
        },
        60);
    EXPECT_TRUE(c.exited && c.status == 0) << c.output;
    EXPECT_TRUE(mentions(c.output, "central directory entry 0: bad signature")) << c.output;

    const std::string three = hardening_input("three.npz");
    ser_options o = defaults();
    o.max_members = 2;
    r = read_keys(ser_npz_open, three, {"x"}, &o);
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, three + ": 3 members exceed the limit of 2")) << r[0].message;
    o.max_members = 3;
    r = read_keys(ser_npz_open, three, {"x", "y", "z"}, &o);
    ASSERT_EQ(r.size(), 3u) << r[0].message;
    for (const KeyRead &k : r) EXPECT_EQ(k.code, SER_OK) << k.message;
    o.max_members = 0;  // no limit
    r = read_keys(ser_npz_open, three, {"z"}, &o);
    EXPECT_EQ(r[0].code, SER_OK) << r[0].message;
}

TEST(HardeningLimits, InflateRatio) {
    // The directory claims exactly 1032 bytes per compressed byte: allowed by the limit, then the
    // stream inflates to less and that is a format error. One more claimed KiB passes the limit.
    std::vector<KeyRead> r = read_keys(ser_npz_open, hardening_input("ratio_at_limit.npz"), {"a"});
    EXPECT_EQ(r[0].code, SER_EFORMAT) << r[0].message;
    r = read_keys(ser_npz_open, hardening_input("ratio_past_limit.npz"), {"a"});
    EXPECT_EQ(r[0].code, SER_ELIMIT) << r[0].message;
    EXPECT_TRUE(mentions(r[0].message, "ratio_past_limit.npz: key 'a'") && mentions(r[0].message, "1032:1"))
        << r[0].message;
    // 0 switches the limit off: a claim of 3 GiB then streams and fails when the data runs out,
    // still without allocating the claim.
    ser_options o = defaults();
    o.max_inflate_ratio = 0;
    const long rss = peak_rss_kib();
    r = read_keys(ser_npz_open, hardening_input("bomb_claim_3g.npz"), {"a"}, &o);
    EXPECT_EQ(r[0].code, SER_EFORMAT) << r[0].message;
    EXPECT_TRUE(mentions(r[0].message, "bomb_claim_3g.npz: key 'a'")) << r[0].message;
    EXPECT_LT(peak_rss_kib() - rss, 8 * 1024) << "KiB of new peak memory";
}

TEST(HardeningLimits, TotalBytesOfARootAndItsChildren) {
    const std::string path = hardening_input("many_stored.npz");
    std::vector<std::string> keys;
    uint64_t total = 0;
    for (int k = 0; k < 24; ++k) {
        keys.push_back((k < 10 ? "k0" : "k") + std::to_string(k));
        total += uint64_t(1000 + 937 * k) * (k % 3 ? 4 : 8);
    }
    total += 64 * 65 * 4;  // sub/w, read through a child
    for (uint64_t limit : {total - 1, total, uint64_t(0)}) {
        SCOPED_TRACE(limit);
        ser_options o = defaults();
        o.max_total_bytes = limit;
        Handle h = open_npz(path, SER_READ, &o);
        ASSERT_TRUE(h);
        for (const std::string &k : keys) {
            KeyRead r = read_key(h.get(), k);
            ASSERT_EQ(r.code, SER_OK) << r.message;
        }
        Handle sub = child_of(h.get(), "sub");
        KeyRead w = read_key(sub.get(), "w");
        if (limit == total - 1) {
            EXPECT_EQ(w.code, SER_ELIMIT);
            EXPECT_TRUE(mentions(w.message, path + ": key 'sub/w'") &&
                        mentions(w.message, "passes the limit of " + std::to_string(total - 1) + " bytes"))
                << w.message;
        } else {
            EXPECT_EQ(w.code, SER_OK) << w.message;
            EXPECT_EQ(w.bytes, pattern_bytes(30, 64 * 65, SER_FLOAT32));
        }
    }
}

// A program built against the version-1 header: its struct ends after max_entry_bytes. The struct
// sits at the end of a readable page followed by an inaccessible one, so touching any byte past
// it crashes (the test runs in a child process to report that).
TEST(HardeningLimits, Version1CallersStructIsNeitherReadNorWrittenPastItsEnd) {
    const size_t v1_size = offsetof(ser_options, max_entry_bytes) + 8;
    const std::string path = hardening_input("small_deflate.npz");
    ChildResult c = run_child(
        [&](int out) {
            const size_t page = size_t(sysconf(_SC_PAGESIZE));
            auto *mem = static_cast<unsigned char *>(
                mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
            if (mem == MAP_FAILED || mprotect(mem + page, page, PROT_NONE) != 0) return 2;
            auto *o = reinterpret_cast<ser_options *>(mem + page - v1_size);
            if (ser_options_init(o, 1) != SER_OK) return write_all(out, ser_errmsg()), 3;
            if (o->version != 1 || o->max_header_bytes != 10000 || o->max_entry_bytes != 0 || o->compress != 1 ||
                o->strict != 1)
                return 4;
            std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"a", "b"}, o);
            if (r.size() != 2 || r[0].code != SER_OK || r[1].code != SER_OK) return write_all(out, r[0].message), 5;
            if (r[0].bytes != pattern_bytes(0, 12, SER_FLOAT32)) return 6;
            o->max_entry_bytes = 47;  // a version-1 field is honoured: 'a' has 48 bytes
            r = read_keys(ser_npz_open, path, {"a"}, o);
            if (r[0].code != SER_ELIMIT) return 7;
            o->max_entry_bytes = 0;
            ser_handle *w = nullptr;  // and writing with it
            const std::string out_path = path + ".v1-" + std::to_string(getpid()) + ".npz";
            if (ser_npz_open(&w, out_path.c_str(), SER_WRITE, o) != SER_OK) return 8;
            if (ser_put_int64(w, "v", 7) != SER_OK || ser_close(w) != SER_OK) return 9;
            int64_t v = 0;
            ser_handle *rd = nullptr;
            if (ser_npz_open(&rd, out_path.c_str(), SER_READ, o) != SER_OK) return 10;
            int rc = ser_get_int64(&v, nullptr, rd, "v");
            ser_close(rd);
            unlink(out_path.c_str());
            return rc == SER_OK && v == 7 ? 0 : 11;
        },
        30);
    EXPECT_TRUE(c.exited) << "killed by signal " << c.signal << " (11: a byte past the version-1 struct was touched)";
    EXPECT_EQ(c.status, 0) << c.output;

    // In a full-size struct, version 1 leaves every later byte as it was.
    ser_options o;
    std::memset(&o, 0xab, sizeof o);
    ASSERT_EQ(ser_options_init(&o, 1), SER_OK);
    const auto *bytes = reinterpret_cast<const unsigned char *>(&o);
    for (size_t i = v1_size; i < sizeof o; ++i) EXPECT_EQ(bytes[i], 0xab) << "byte " << i;
    EXPECT_EQ(ser_options_init(&o, 3), SER_EINVAL);  // a version from the future
    EXPECT_TRUE(mentions(errmsg(), "version")) << errmsg();
}

}  // namespace
