// Concurrency (also run under ThreadSanitizer, by the name filter *Concurren*): threads with their
// own handles on one NPZ, children of one handle used from different threads, batch reads on
// worker threads, and readers and writers of different NPZ and HDF5 files at once. Every result
// is compared with the formula the files were made from (NumPy/h5py wrote the inputs; NumPy and
// h5py check the outputs).
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/hardening.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

// What tests/python/hardening_inputs.py put under each key of many_*.npz and many.h5.
struct Expected {
    int k;
    size_t n;
    int32_t dtype;
};

Expected expected_many(const std::string &key) {
    if (key == "sub/w") return {30, 64 * 65, SER_FLOAT32};
    if (key[0] == 'g') {  // g<t>/x<j>
        const int t = key[1] - '0', j = key[4] - '0';
        return {40 + 3 * t + j, size_t(2000 + 100 * j), SER_FLOAT32};
    }
    const int k = std::stoi(key.substr(1));
    return {k, size_t(1000 + 937 * k), k % 3 ? SER_FLOAT32 : SER_INT64};
}

std::vector<std::string> many_keys() {
    std::vector<std::string> keys;
    for (int k = 0; k < 24; ++k) keys.push_back((k < 10 ? "k0" : "k") + std::to_string(k));
    keys.push_back("sub/w");
    for (int t = 0; t < 8; ++t)
        for (int j = 0; j < 3; ++j) keys.push_back("g" + std::to_string(t) + "/x" + std::to_string(j));
    return keys;
}

// Problems found by worker threads, reported by the main thread.
class Problems {
public:
    void add(const std::string &p) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (list_.size() < 20) list_.push_back(p);
        ++count_;
    }
    // Checks one read of `key` (relative to `prefix`) against the formula.
    void check(const KeyRead &r, const std::string &full_key) {
        if (r.code != SER_OK) return add(full_key + ": " + r.message);
        const Expected e = expected_many(full_key);
        if (r.info.dtype != e.dtype || r.info.nbytes != e.n * ser_dtype_size(e.dtype) ||
            r.bytes != pattern_bytes(e.k, e.n, e.dtype))
            add(full_key + ": wrong data");
    }
    void expect_none() {
        std::string all;
        for (const std::string &p : list_) all += p + "\n";
        EXPECT_EQ(count_, 0u) << all;
    }

private:
    std::mutex mutex_;
    std::vector<std::string> list_;
    size_t count_ = 0;
};

constexpr int kThreads = 8;

TEST(Concurrency, ThreadsWithTheirOwnHandlesReadDifferentKeysOfOneNpz) {
    const std::vector<std::string> keys = many_keys();
    for (const char *name : {"many_deflate.npz", "many_stored.npz"}) {
        SCOPED_TRACE(name);
        const std::string path = hardening_input(name);
        Problems problems;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                ser_handle *h = nullptr;
                if (ser_npz_open(&h, path.c_str(), SER_READ, nullptr) != SER_OK) return problems.add(ser_errmsg());
                // Thread t reads the keys i with i % 8 == t, then every key starting at a
                // different place, so threads meet on the same members at different times.
                for (size_t i = size_t(t); i < keys.size(); i += kThreads) problems.check(read_key(h, keys[i]), keys[i]);
                for (size_t i = 0; i < keys.size(); ++i) {
                    const std::string &k = keys[(i + size_t(t) * 5) % keys.size()];
                    problems.check(read_key(h, k), k);
                }
                ser_close(h);
            });
        for (std::thread &t : threads) t.join();
        problems.expect_none();
    }
}

TEST(Concurrency, ChildrenOfOneHandleUsedFromDifferentThreads) {
    for (const char *name : {"many_deflate.npz", "many_stored.npz", "many.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = hardening_input(name);
        ser_handle *root = nullptr;
        const bool h5 = std::string(name).find(".h5") != std::string::npos;
        ASSERT_EQ((h5 ? ser_h5_open : ser_npz_open)(&root, path.c_str(), SER_READ, nullptr), SER_OK) << errmsg();
        std::vector<ser_handle *> children(kThreads);
        for (int t = 0; t < kThreads; ++t)
            ASSERT_EQ(ser_child(&children[t], root, ("g" + std::to_string(t)).c_str()), SER_OK) << errmsg();
        Problems problems;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                ser_handle *c = children[size_t(t)];
                const std::string prefix = "g" + std::to_string(t) + "/";
                for (int round = 0; round < 10; ++round) {
                    size_t n = 0;
                    const char *k = nullptr;
                    if (ser_key_count(&n, c) != SER_OK || n != 3) problems.add(prefix + ": key count");
                    if (ser_key_at(&k, c, 2) != SER_OK || std::string(k) != "x2") problems.add(prefix + ": key_at");
                    for (int j = 0; j < 3; ++j) {
                        const std::string key = "x" + std::to_string((j + round) % 3);
                        problems.check(read_key(c, key), prefix + key);
                    }
                }
            });
        for (std::thread &t : threads) t.join();
        problems.expect_none();
        for (ser_handle *c : children) ser_close(c);
        ser_close(root);
    }
}

TEST(Concurrency, BatchReadsOnWorkerThreadsEqualSequentialReads) {
    const std::vector<std::string> keys = many_keys();
    for (const char *name : {"many_deflate.npz", "many_stored.npz", "many.h5"})
        for (int threads = 2; threads <= 4; ++threads) {
            SCOPED_TRACE(std::string(name) + " threads " + std::to_string(threads));
            const bool h5 = std::string(name).find(".h5") != std::string::npos;
            ser_options o;
            ser_options_init(&o, SER_OPTIONS_VERSION);
            o.threads = threads;
            ser_handle *h = nullptr;
            ASSERT_EQ((h5 ? ser_h5_open : ser_npz_open)(&h, hardening_input(name).c_str(), SER_READ, &o), SER_OK);
            // Every key as a flat array (sub/w is 2-d), plus a missing key and a wrong shape.
            std::vector<std::string> batch_keys = keys;
            batch_keys.insert(batch_keys.begin() + 5, "missing");
            batch_keys.push_back("k01");
            std::vector<std::vector<int64_t>> shapes;
            std::vector<std::string> bufs, sequential;
            for (const std::string &k : batch_keys) {
                const Expected e = k == "missing" ? Expected{0, 1, SER_FLOAT32} : expected_many(k);
                shapes.push_back(k == "sub/w" ? std::vector<int64_t>{64, 65} : std::vector<int64_t>{int64_t(e.n)});
                bufs.emplace_back(e.n * ser_dtype_size(e.dtype), '\0');
            }
            shapes.back() = {1, int64_t(expected_many("k01").n)};  // the last k01: wrong shape
            std::vector<ser_get_request> requests(batch_keys.size());
            for (size_t i = 0; i < batch_keys.size(); ++i) {
                const Expected e = batch_keys[i] == "missing" ? Expected{0, 1, SER_FLOAT32} : expected_many(batch_keys[i]);
                requests[i] = {batch_keys[i].c_str(), e.dtype, int32_t(shapes[i].size()), shapes[i].data(), &bufs[i][0],
                               bufs[i].size(), 1, -1};
                std::string seq(bufs[i].size(), '\0');
                const int rc = ser_get_array(nullptr, h, requests[i].key, e.dtype, requests[i].ndim, shapes[i].data(),
                                             &seq[0], seq.size());
                sequential.push_back(rc == SER_OK ? seq : "error " + std::to_string(rc));
            }
            EXPECT_EQ(ser_get_arrays(h, requests.data(), requests.size()), SER_ENOTFOUND);  // the first failure
            EXPECT_NE(errmsg().find("key 'missing'"), std::string::npos) << errmsg();
            for (size_t i = 0; i < batch_keys.size(); ++i) {
                SCOPED_TRACE(batch_keys[i]);
                if (batch_keys[i] == "missing") {
                    EXPECT_EQ(requests[i].status, SER_ENOTFOUND);
                } else if (i + 1 == batch_keys.size()) {
                    EXPECT_EQ(requests[i].status, SER_EMISMATCH);
                } else {
                    ASSERT_EQ(requests[i].status, SER_OK);
                    EXPECT_EQ(requests[i].outcome, SER_LOADED);
                    EXPECT_TRUE(bufs[i] == sequential[i]);
                    const Expected e = expected_many(batch_keys[i]);
                    EXPECT_TRUE(bufs[i] == pattern_bytes(e.k, e.n, e.dtype));
                }
            }
            ser_close(h);
        }
}

TEST(Concurrency, ReadersAndWritersOfDifferentNpzAndHdf5FilesAtOnce) {
    const std::string dir = scratch_dir();
    const std::vector<std::string> keys = many_keys();
    struct Job {
        std::string stem, ext;
        OpenFn open;
        int compress;
        Checkpoint cp;
    };
    std::vector<Job> writers;
    for (int i = 0; i < 4; ++i) {
        const bool h5 = i >= 2;
        writers.push_back({dir + "/out" + std::to_string(i), h5 ? ".h5" : ".npz", h5 ? ser_h5_open : ser_npz_open, i % 2,
                           Checkpoint{200 + 20 * i, 12, size_t(20000 + 1000 * i)}});
    }
    auto path_of = [](const Job &w, int round) { return w.stem + "-" + std::to_string(round) + w.ext; };
    const std::vector<std::pair<std::string, OpenFn>> readers = {{hardening_input("many_deflate.npz"), ser_npz_open},
                                                                 {hardening_input("many_stored.npz"), ser_npz_open},
                                                                 {hardening_input("many.h5"), ser_h5_open},
                                                                 {hardening_input("many.h5"), ser_h5_open}};
    Problems problems;
    std::atomic<int> writes_done{0};
    std::vector<std::thread> threads;
    for (const Job &w : writers)
        threads.emplace_back([&, w] {
            for (int round = 0; round < 3; ++round) {
                const std::string path = path_of(w, round);
                if (save_checkpoint(w.open, path, w.cp, w.compress) != SER_OK) problems.add(path + ": " + ser_errmsg());
            }
            ++writes_done;
        });
    for (size_t r = 0; r < readers.size(); ++r)
        threads.emplace_back([&, r] {
            do {  // keep reading while the writers write
                for (size_t i = 0; i < keys.size(); ++i) {
                    const std::string &k = keys[(i + r * 7) % keys.size()];
                    std::vector<KeyRead> got = read_keys(readers[r].second, readers[r].first, {k});
                    problems.check(got[0], k);
                }
            } while (writes_done.load() < int(writers.size()));
        });
    for (std::thread &t : threads) t.join();
    problems.expect_none();

    std::vector<std::string> args;
    for (const Job &w : writers)
        for (int round = 0; round < 3; ++round) {
            const std::string path = path_of(w, round);
            EXPECT_TRUE(holds_checkpoint(w.open, path, w.cp)) << path;
            args.push_back(path + ":" + std::to_string(w.cp.base) + ":" + std::to_string(w.cp.entries) + ":" +
                           std::to_string(w.cp.elems));
        }
    EXPECT_EQ(python_ok("hardening_check.py", args), "ok\n");
}

}  // namespace
