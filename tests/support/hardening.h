// Helpers of the hardening tests (tests/api/hardening_*_test.cpp): the test arrays' formula, the
// generated hostile inputs, reading every entry of a file, directory listings, child processes.
#pragma once

#include <chainerser/chainerser.h>

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace testsupport {

// Element i of key k, as tests/python/hardening_zip.py pattern() makes it:
// ((37 i + 101 k) mod 4099) * 0.25 - 500 (float32), or ((37 i + 101 k) mod 4099) - 2000 (int64).
std::vector<float> pattern_f32(int k, size_t n);
std::vector<int64_t> pattern_i64(int k, size_t n);
// The same as raw native bytes.
std::string pattern_bytes(int k, size_t n, int32_t dtype);

// The files of tests/python/hardening_inputs.py, generated once per test program.
const std::string &hardening_inputs();
std::string hardening_input(const std::string &name);

// What reading one key gave: the first failing call's code and message, else the info and bytes
// (data read in the file's own dtype, C order, native byte order).
struct KeyRead {
    int code = SER_OK;
    std::string message;
    ser_array_info info{};
    std::string bytes;
};
// Reads `key` of an open handle; arrays larger than max_bytes are described but not read.
KeyRead read_key(ser_handle *h, const std::string &key, uint64_t max_bytes = uint64_t(1) << 30);

using OpenFn = int (*)(ser_handle **, const char *, int32_t, const ser_options *);

// Opens `path` (opts may be null) and reads each of `keys`; results in `keys` order. If the open
// fails, the result has one element holding its code and message.
std::vector<KeyRead> read_keys(OpenFn open, const std::string &path, const std::vector<std::string> &keys,
                               const ser_options *opts = nullptr, uint64_t max_bytes = uint64_t(1) << 30);

// A checkpoint of `entries` float32 arrays "w<k>" of `elems` elements, entry k holding pattern
// base + k (tests/python/hardening_check.py checks such files with NumPy and h5py).
struct Checkpoint {
    int base;
    int entries;
    size_t elems;
};

// Writes checkpoint `c` to `path` (deflate level 1 when compressing, 2 threads). With a report_fd,
// writes one character there at each stage: 'o' opened, 'p' after each put, 'c' before close,
// 'd' after close. Returns the first error code.
int save_checkpoint(OpenFn open, const std::string &path, const Checkpoint &c, int compress, int report_fd = -1);

// Whether `path` holds exactly checkpoint `c`: its keys and every entry's bytes.
::testing::AssertionResult holds_checkpoint(OpenFn open, const std::string &path, const Checkpoint &c);

// Names in a directory other than . and ..
std::set<std::string> dir_entries(const std::string &dir);

// Peak resident set size of this process so far, in KiB.
long peak_rss_kib();

// A forked child: runs fn (its return value is the exit status; anything it writes to `out` comes
// back as `output`), killed after timeout_s seconds.
struct ChildResult {
    bool exited = false;  // normal exit (else killed by `signal`)
    int status = -1;      // exit status when exited
    int signal = 0;
    std::string output;
};
ChildResult run_child(const std::function<int(int out)> &fn, unsigned timeout_s);
// Writes a string to a descriptor (for child processes).
void write_all(int fd, const std::string &s);

}  // namespace testsupport
