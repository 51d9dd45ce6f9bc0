// Helpers shared by the NPZ tests: RAII handles over the C API, key listing, reading an entry's
// bytes in C order, and checking a file against a NumPy-made list of expectations.
#pragma once

#include <chainerser/chainerser.h>

#include <memory>
#include <string>
#include <vector>

namespace testsupport {

struct HandleCloser {
    void operator()(ser_handle *h) const { ser_close(h); }
};
// Closes (and for a root writer commits) at scope end.
using Handle = std::unique_ptr<ser_handle, HandleCloser>;

// Opens an npz; fails the current test (and returns null) if that does not work.
Handle open_npz(const std::string &path, int32_t mode, const ser_options *opts = nullptr);
Handle child_of(ser_handle *h, const char *name);

// ser_errmsg() as a string.
std::string errmsg();

// Every key under the handle's path, in the library's order.
std::vector<std::string> list_keys(ser_handle *h);

// `key`'s data as C-order bytes in native byte order (UTF-32 for <U), read in its own dtype.
// Sets *info. Returns false (with a test failure) when the library refuses.
bool read_native(ser_handle *h, const std::string &key, ser_array_info *info, std::string *bytes);

// The descr the library reports for an info ("<f4", "|O", ...).
std::string descr_of(const ser_array_info &info);

// Splits on one character, keeping empty fields.
std::vector<std::string> split(const std::string &s, char sep);

// Runs tests/python/<script> through the real NumPy; fails the test with its output on a
// non-zero exit. Returns stdout+stderr.
std::string python_ok(const std::string &script, const std::vector<std::string> &args);

// Checks an npz against an expectation file of lines
//   key \t descr \t fortran(0|1) \t shape (comma-separated, empty for 0-d) \t sha256 | NONE
// where sha256 is over the C-order little-endian bytes (UTF-32LE for <U). Every key in the
// file must be listed and every listed key must match.
void expect_npz_matches(const std::string &npz, const std::string &expect_file);

}  // namespace testsupport
