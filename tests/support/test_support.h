// Shared helpers for the test programs: scratch directories, test data, and the real NumPy/h5py.
#pragma once

#include <string>
#include <vector>

namespace testsupport {

// A fresh empty directory under the build's temp area, removed at exit of the test program.
std::string scratch_dir();

// tests/data/<name>
std::string data_path(const std::string &name);

// ../shared/chainer-fixtures/<name>, or "" when ../shared is not there (tests then GTEST_SKIP).
std::string shared_fixture(const std::string &name);

// Runs /usr/bin/python3 tests/python/<script> args...; returns its exit status and puts
// stdout+stderr in *output.
int run_python(const std::string &script, const std::vector<std::string> &args, std::string *output);

// Whole file as bytes.
std::string read_file(const std::string &path);
void write_file(const std::string &path, const std::string &bytes);

}  // namespace testsupport
