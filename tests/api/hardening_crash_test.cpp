// Crash safety of saves: a child process saving a large checkpoint over a good one is killed with
// SIGKILL before its first put, between puts, during a put and while closing; the old file then
// loads intact (or, if the kill came after the rename, the complete new file loads), and the next
// save leaves no temporary file. A save that hits RLIMIT_FSIZE fails with SER_EIO and leaves the
// old file and no temporary file, for NPZ and HDF5.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <chrono>
#include <random>
#include <thread>

#include "support/hardening.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

bool mentions(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

struct Backend {
    const char *name;
    OpenFn open;
    const char *ext;
};
const Backend kNpz{"npz", ser_npz_open, ".npz"};
const Backend kH5{"hdf5", ser_h5_open, ".h5"};

size_t temp_files(const std::string &dir) {
    size_t n = 0;
    for (const std::string &e : dir_entries(dir)) n += mentions(e, ".ser-tmp-");
    return n;
}

// Kills a child saving `big` over `path` after it reports `stage` for the `nth` time plus `delay`.
// Returns what the target then holds: 0 the old file, 1 the new one.
int kill_during_save(const Backend &b, const std::string &path, const Checkpoint &old_cp, const Checkpoint &big,
                     int compress, char stage, int nth, std::chrono::milliseconds delay) {
    const std::string old_bytes = read_file(path);
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        alarm(120);
        if (save_checkpoint(b.open, path, big, compress, p[1]) != SER_OK) _exit(3);  // closes the pipe: the parent sees it
        for (;;) pause();  // wait for the kill even when the save has finished
    }
    close(p[1]);
    int seen = 0;
    char c;
    while (read(p[0], &c, 1) == 1)
        if (c == stage && ++seen == nth) break;
    EXPECT_EQ(seen, nth) << "the child never reached stage " << stage;
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(p[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    if (read_file(path) == old_bytes) {
        EXPECT_TRUE(holds_checkpoint(b.open, path, old_cp));
        return 0;
    }
    EXPECT_TRUE(holds_checkpoint(b.open, path, big)) << "neither the old file nor the complete new one";
    EXPECT_EQ(temp_files(path.substr(0, path.rfind('/'))), 0u) << "the rename happened, so the temp file is gone";
    return 1;
}

void kill_at_several_points(const Backend &b, int compress, const Checkpoint &big) {
    const std::string dir = scratch_dir(), path = dir + "/model" + b.ext;
    Checkpoint old_cp{1, 3, 1000};
    ASSERT_EQ(save_checkpoint(b.open, path, old_cp, compress), SER_OK) << errmsg();
    std::mt19937 rng(compress * 7 + b.ext[1]);
    struct Point {
        char stage;
        int nth;
        int max_delay_ms;
    };
    const Point points[] = {
        {'o', 1, 0},                      // before the first put
        {'p', 2, 0},                      // between puts
        {'p', big.entries / 2, 15},       // during a put
        {'c', 1, 0},                      // as close starts
        {'c', 1, 40},                     // while the last data and the directory are written
        {'c', 1, 400},                    // fsync, rename
        {'d', 1, 0},                      // after close returned: the new file is in place
    };
    int old_seen = 0, new_seen = 0;
    for (const Point &pt : points) {
        const auto delay = std::chrono::milliseconds(pt.max_delay_ms ? rng() % pt.max_delay_ms : 0);
        SCOPED_TRACE(std::string("killed after stage ") + pt.stage + " #" + std::to_string(pt.nth) + " + " +
                     std::to_string(delay.count()) + " ms");
        const int outcome = kill_during_save(b, path, old_cp, big, compress, pt.stage, pt.nth, delay);
        (outcome ? new_seen : old_seen)++;
        if (pt.stage == 'd') EXPECT_EQ(outcome, 1);
        if (pt.stage == 'o' || pt.stage == 'p') EXPECT_EQ(outcome, 0);
        // The next save completes and removes the dead child's temporary file.
        old_cp.base += 10;
        ASSERT_EQ(save_checkpoint(b.open, path, old_cp, compress), SER_OK) << errmsg();
        EXPECT_EQ(dir_entries(dir), std::set<std::string>{"model" + std::string(b.ext)});
        EXPECT_TRUE(holds_checkpoint(b.open, path, old_cp));
        if (::testing::Test::HasFailure()) return;
    }
    EXPECT_GE(old_seen, 3);
    EXPECT_GE(new_seen, 1);
}

// 208 MiB of float32 in 13 entries.
const Checkpoint kBig{100, 13, size_t(4) << 20};

TEST(HardeningCrash, KilledNpzSaveStoredLeavesTheOldOrTheNewFile) { kill_at_several_points(kNpz, 0, kBig); }
TEST(HardeningCrash, KilledNpzSaveCompressedLeavesTheOldOrTheNewFile) { kill_at_several_points(kNpz, 1, kBig); }
TEST(HardeningCrash, KilledHdf5SaveLeavesTheOldOrTheNewFile) {
    kill_at_several_points(kH5, 1, Checkpoint{100, 8, size_t(2) << 20});  // 64 MiB
}

// ---- RLIMIT_FSIZE ---------------------------------------------------------------------------------

// What a child saves past the limit: `entries` random uint64 arrays of `elems` elements each.
struct Load {
    const char *name;
    int entries;
    size_t elems;
    int threads;
};
// Many small entries on one thread; one 24 MiB entry on two threads, which NPZ deflates in pieces
// (its member is half-written when the limit hits).
const Load kSmallEntries{"16 x 64 KiB", 16, 8192, 1};
const Load kOneLargeEntry{"1 x 24 MiB", 1, size_t(3) << 20, 2};

// In a child whose files may not grow past 256 KiB, saves `load` over `path`. With
// `raise_before_close`, the limit is lifted after a failed put and close is still called (a
// transient failure such as a full disk that then frees up). Prints "put <k> <code> <message>"
// for the first failed put and "close <code> <message>".
ChildResult save_past_the_size_limit(const Backend &b, const std::string &path, int compress, bool raise_before_close,
                                     const Load &load) {
    return run_child(
        [&](int out) {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit lim;
            getrlimit(RLIMIT_FSIZE, &lim);
            const rlim_t hard = lim.rlim_max;
            lim.rlim_cur = 256 << 10;
            if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return 20;
            ser_options o;
            ser_options_init(&o, SER_OPTIONS_VERSION);
            o.compress = compress;
            o.threads = load.threads;
            ser_handle *w = nullptr;
            if (b.open(&w, path.c_str(), SER_WRITE, &o) != SER_OK) return write_all(out, ser_errmsg()), 21;
            bool failed = false;
            for (int k = 0; k < load.entries && !failed; ++k) {
                // Random-looking data, so that compression cannot bring it under the limit.
                std::vector<uint64_t> v(load.elems);
                std::mt19937_64 rng{uint64_t(k)};
                for (uint64_t &x : v) x = rng();
                const int64_t shape[1] = {int64_t(v.size())};
                int rc = ser_put_array(w, ("w" + std::to_string(k)).c_str(), SER_UINT64, 1, shape, v.data(), v.size() * 8);
                if (rc != SER_OK) {
                    write_all(out, "put " + std::to_string(k) + " " + std::to_string(rc) + " " + ser_errmsg() + "\n");
                    failed = true;
                }
            }
            if (raise_before_close) {
                lim.rlim_cur = hard;
                setrlimit(RLIMIT_FSIZE, &lim);
            }
            int rc = ser_close(w);
            write_all(out, "close " + std::to_string(rc) + " " + (rc ? ser_errmsg() : "") + "\n");
            return 0;
        },
        60);
}

void failed_saves_leave_the_old_file(const Backend &b) {
    const std::string dir = scratch_dir(), path = dir + "/model" + b.ext;
    const Checkpoint old_cp{1, 3, 1000};
    ASSERT_EQ(save_checkpoint(b.open, path, old_cp, 1), SER_OK) << errmsg();
    const std::string before = read_file(path);
    for (const Load &load : {kSmallEntries, kOneLargeEntry}) {
        for (int compress : {0, 1})
            for (bool raise : {false, true}) {
                SCOPED_TRACE(std::string(b.name) + " " + load.name + (compress ? " compressed" : " stored") +
                             (raise ? ", limit lifted before close" : ""));
                ChildResult r = save_past_the_size_limit(b, path, compress, raise, load);
                ASSERT_TRUE(r.exited && r.status == 0) << "status " << r.status << " signal " << r.signal << ": " << r.output;
                const bool put_failed = mentions(r.output, "put ");
                const size_t close_at = r.output.find("close ");
                ASSERT_NE(close_at, std::string::npos) << r.output;
                const int close_rc = std::stoi(r.output.substr(close_at + 6));
                // The save failed, as SER_EIO naming the file, at a put or at close ...
                if (put_failed) {
                    EXPECT_TRUE(mentions(r.output, "put ") && mentions(r.output, " " + std::to_string(SER_EIO) + " " + path))
                        << r.output;
                    // ... and close after a failed put never commits (the file would lack entries).
                    EXPECT_NE(close_rc, SER_OK) << r.output;
                } else {
                    EXPECT_EQ(close_rc, SER_EIO) << r.output;
                }
                if (close_rc != SER_OK) {
                    EXPECT_TRUE(close_rc == SER_EIO || (put_failed && close_rc == SER_EINVAL)) << r.output;
                    EXPECT_TRUE(mentions(r.output.substr(close_at), path)) << r.output;
                }
                // ... leaving the old file and no temporary one.
                EXPECT_TRUE(read_file(path) == before) << "the old file changed";
                EXPECT_TRUE(holds_checkpoint(b.open, path, old_cp));
                EXPECT_EQ(dir_entries(dir), std::set<std::string>{"model" + std::string(b.ext)});
            }
    }
}

TEST(HardeningCrash, NpzSavePastTheFileSizeLimitFailsAndLeavesTheOldFile) { failed_saves_leave_the_old_file(kNpz); }
TEST(HardeningCrash, Hdf5SavePastTheFileSizeLimitFailsAndLeavesTheOldFile) { failed_saves_leave_the_old_file(kH5); }

}  // namespace
