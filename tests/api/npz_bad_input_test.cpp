// Broken, hostile and unsupported input: every case a clear error naming the file (and the key),
// never a crash; and saving over a file is atomic.
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

const std::string &bad_dir() {
    static const std::string dir = [] {
        std::string d = scratch_dir();
        python_ok("npz_bad_inputs.py", {d});
        return d;
    }();
    return dir;
}

bool mentions(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

// Opens `path` and reads `key` (info, then data in its own dtype); returns the first error code
// and its message.
int open_and_read(const std::string &path, const char *key, std::string *msg) {
    ser_handle *h = nullptr;
    int rc = ser_npz_open(&h, path.c_str(), SER_READ, nullptr);
    if (rc != SER_OK) {
        *msg = ser_errmsg();
        EXPECT_EQ(h, nullptr);
        return rc;
    }
    Handle owned(h);
    ser_array_info info{};
    rc = ser_get_info(&info, h, key);
    if (rc == SER_OK && info.dtype != SER_NONE) {
        std::string buf(size_t(info.nbytes), '\0');
        rc = ser_get_array(nullptr, h, key, info.dtype, info.ndim, info.shape, buf.empty() ? nullptr : &buf[0], buf.size());
    }
    *msg = ser_errmsg();
    return rc;
}

struct BadCase {
    const char *file;
    int code;
    bool names_key;  // the failure is about member a.npy, so the message names key 'a'
};

TEST(NpzBadInput, EachFaultHasItsCodeAndNamesFileAndKey) {
    const BadCase cases[] = {
        {"corrupt_header.npz", SER_EFORMAT, true},   {"short_data.npz", SER_EFORMAT, true},
        {"unknown_descr.npz", SER_EUNSUPPORTED, true}, {"structured.npz", SER_EUNSUPPORTED, true},
        {"raw_member.npz", SER_EFORMAT, true},       {"object.npz", SER_EUNSUPPORTED, true},
        {"object_1d_none.npz", SER_EUNSUPPORTED, true}, {"crc.npz", SER_EFORMAT, true},
        {"encrypted.npz", SER_EUNSUPPORTED, true},   {"method98.npz", SER_EUNSUPPORTED, true},
        {"dup.npz", SER_EFORMAT, false},             {"not_a_zip.npz", SER_EFORMAT, false},
        {"crc_large_stored_blocks.npz", SER_EFORMAT, true}, {"corrupt_large_deflate.npz", SER_EFORMAT, true},
    };
    for (const BadCase &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = bad_dir() + "/" + c.file;
        std::string msg;
        EXPECT_EQ(open_and_read(path, "a", &msg), c.code) << msg;
        EXPECT_TRUE(mentions(msg, path)) << msg;
        if (c.names_key) EXPECT_TRUE(mentions(msg, "'a'")) << msg;
    }
}

TEST(NpzBadInput, ShapeBeyondTheMemberIsRefusedBeforeAllocating) {
    // (2**40,) float64 claims 8 TiB in an 8-byte member: refused from the header, at once.
    const std::string path = bad_dir() + "/huge_shape.npz";
    Handle r = open_npz(path, SER_READ);
    ASSERT_TRUE(r);
    const auto start = std::chrono::steady_clock::now();
    ser_array_info info{};
    EXPECT_EQ(ser_get_info(&info, r.get(), "a"), SER_EFORMAT);
    std::string msg = errmsg();
    EXPECT_TRUE(mentions(msg, path) && mentions(msg, "'a'")) << msg;
    std::vector<char> small(8);
    const int64_t shape[1] = {int64_t(1) << 40};
    EXPECT_EQ(ser_get_array(nullptr, r.get(), "a", SER_FLOAT64, 1, shape, small.data(), small.size()), SER_EFORMAT);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(NpzBadInput, EveryTruncationIsAFormatError) {
    const std::string whole = read_file(bad_dir() + "/small.npz");
    const std::string path = scratch_dir() + "/truncated.npz";
    for (size_t n = 0; n < whole.size(); ++n) {
        write_file(path, whole.substr(0, n));
        std::string msg;
        int rc = open_and_read(path, "a", &msg);
        if (rc == SER_OK) rc = open_and_read(path, "b", &msg);
        EXPECT_EQ(rc, SER_EFORMAT) << "length " << n << ": " << msg;
        EXPECT_TRUE(mentions(msg, path)) << "length " << n << ": " << msg;
    }
    // The untruncated file reads.
    write_file(path, whole);
    std::string msg;
    EXPECT_EQ(open_and_read(path, "a", &msg), SER_OK) << msg;
}

TEST(NpzBadInput, MissingEmptyAndDirectory) {
    const std::string dir = scratch_dir();
    std::string msg;
    EXPECT_EQ(open_and_read(dir + "/missing.npz", "a", &msg), SER_ENOTFOUND);
    EXPECT_TRUE(mentions(msg, dir + "/missing.npz")) << msg;
    write_file(dir + "/zero.npz", "");
    EXPECT_EQ(open_and_read(dir + "/zero.npz", "a", &msg), SER_EFORMAT);
    EXPECT_TRUE(mentions(msg, dir + "/zero.npz")) << msg;
    EXPECT_NE(open_and_read(dir, "a", &msg), SER_OK);
}

// Entries of a directory other than . and ..
std::set<std::string> listing(const std::string &dir) {
    std::set<std::string> names;
    DIR *d = opendir(dir.c_str());
    while (struct dirent *e = d ? readdir(d) : nullptr)
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.insert(e->d_name);
    if (d) closedir(d);
    return names;
}

void write_one(const std::string &path, double value, int compress = 1) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    Handle w = open_npz(path, SER_WRITE, &o);
    ASSERT_EQ(ser_put_float64(w.get(), "v", value), SER_OK) << errmsg();
    ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
}

TEST(NpzAtomicSave, DiscardLeavesTheOldFileAndNoTemporaries) {
    const std::string dir = scratch_dir(), path = dir + "/A.npz";
    write_one(path, 1.0);
    const std::string before = read_file(path);
    {
        ser_handle *w = nullptr;
        ASSERT_EQ(ser_npz_open(&w, path.c_str(), SER_WRITE, nullptr), SER_OK);
        ASSERT_EQ(ser_put_float64(w, "v", 2.0), SER_OK);
        ASSERT_EQ(ser_put_float64(w, "u", 3.0), SER_OK);
        EXPECT_EQ(read_file(path), before);  // nothing visible before close
        ser_discard(w);
    }
    EXPECT_EQ(read_file(path), before);
    EXPECT_EQ(listing(dir), (std::set<std::string>{"A.npz"}));
    write_one(path, 2.0);  // a successful replacement leaves nothing behind either
    EXPECT_NE(read_file(path), before);
    EXPECT_EQ(listing(dir), (std::set<std::string>{"A.npz"}));
    Handle r = open_npz(path, SER_READ);
    double v = 0;
    ASSERT_EQ(ser_get_float64(&v, nullptr, r.get(), "v"), SER_OK) << errmsg();
    EXPECT_EQ(v, 2.0);
}

// In a child process whose files may not pass 64 KiB, writes one stored float64 entry of `count`
// elements over `path`. Exit status: 0 when the save failed as it should (put or close gives
// SER_EIO naming the file, and close never reports success after a failed put), else a reason.
int failing_save(const std::string &path, size_t count) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {65536, 65536};
        setrlimit(RLIMIT_FSIZE, &lim);
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.compress = 0;
        ser_handle *w = nullptr;
        if (ser_npz_open(&w, path.c_str(), SER_WRITE, &o) != SER_OK) _exit(10);
        std::vector<double> data(count, 1.5);
        const int64_t shape[1] = {int64_t(count)};
        int put = ser_put_array(w, "big", SER_FLOAT64, 1, shape, data.data(), count * 8);
        std::string put_msg = ser_errmsg();
        int close = ser_close(w);
        if (put == SER_OK && close == SER_OK) _exit(12);
        if (put != SER_OK && close == SER_OK) _exit(13);  // a failed put must not commit a file
        int rc = put != SER_OK ? put : close;
        std::string msg = put != SER_OK ? put_msg : std::string(ser_errmsg());
        if (rc != SER_EIO) _exit(14);
        if (msg.find(path) == std::string::npos) _exit(15);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

TEST(NpzAtomicSave, FailedSaveLeavesTheOldFile) {
    const std::string dir = scratch_dir(), path = dir + "/A.npz";
    write_one(path, 1.0);
    const std::string before = read_file(path);
    // 1 MiB fails while the entry is written; 65336 bytes of data fit, and the directory does not.
    for (size_t count : {size_t(131072), size_t(65336 / 8)}) {
        SCOPED_TRACE(count);
        EXPECT_EQ(failing_save(path, count), 0)
            << "10 open, 12 saved anyway, 13 committed after a failed put, 14 not SER_EIO, 15 message";
        EXPECT_EQ(read_file(path), before);
        EXPECT_EQ(listing(dir), (std::set<std::string>{"A.npz"}));
    }
}

}  // namespace

// A file of many small members is read from one in-memory copy (zip_reader.cpp, copied_bytes):
// a fault in one member is still that member's error, and the others still read.
std::string many_small_members(const std::string &path, int compress) {
    ser_options o = SER_OPTIONS_INIT;
    o.compress = compress;
    Handle w = open_npz(path, SER_WRITE, &o);
    for (int i = 0; i < 200; ++i) {
        char key[16];
        std::snprintf(key, sizeof key, "k%04d", i);
        const float v[4] = {float(i), 1.5f, -2.0f, float(i) / 3};
        const int64_t shape[1] = {4};
        EXPECT_EQ(ser_put_array(w.get(), key, SER_FLOAT32, 1, shape, v, sizeof v), SER_OK) << errmsg();
    }
    w.reset();
    return read_file(path);
}

TEST(NpzBadInput, AFaultInOneOfManySmallMembersNamesThatMember) {
    for (int compress : {0, 1}) {
        SCOPED_TRACE(compress ? "compressed" : "stored");
        const std::string path = scratch_dir() + "/many.npz";
        const std::string good = many_small_members(path, compress);
        const size_t name_at = good.find("k0100.npy");  // the first occurrence: the local header's
        ASSERT_NE(name_at, std::string::npos);

        std::string bad = good;
        const size_t extra_len = uint8_t(good[name_at - 2]) | uint8_t(good[name_at - 1]) << 8;
        bad[name_at + 9 + extra_len + 10] ^= 0x5a;  // inside the member's data
        write_file(path, bad);
        std::string msg;
        EXPECT_EQ(open_and_read(path, "k0100", &msg), SER_EFORMAT);
        EXPECT_TRUE(mentions(msg, path) && mentions(msg, "'k0100'")) << msg;
        EXPECT_EQ(open_and_read(path, "k0099", &msg), SER_OK) << msg;
        EXPECT_EQ(open_and_read(path, "k0101", &msg), SER_OK) << msg;

        bad = good;
        bad[name_at - 30] = 'X';  // the local header's signature
        write_file(path, bad);
        EXPECT_EQ(open_and_read(path, "k0100", &msg), SER_EFORMAT);
        EXPECT_TRUE(mentions(msg, "'k0100'") && mentions(msg, "local header")) << msg;
        EXPECT_EQ(open_and_read(path, "k0101", &msg), SER_OK) << msg;
    }
}
