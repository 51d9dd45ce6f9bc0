// Shared by the HDF5 API tests: h5py's view of a file (tests/python/h5_dump.py) and ours, both
// reduced to dtype, shape and the sha256 of the C-order little-endian bytes.
#pragma once

#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/sha256.h"
#include "support/test_support.h"

namespace h5test {

struct H5pyEntry {
    std::string dtype, shape, sha256, layout, chunks, compression, compression_opts, shuffle, fletcher32, guess;
};

inline std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

// Runs a tests/python script and fails the test (returning "") when it does not exit 0.
inline std::string python_output(const std::string &script, const std::vector<std::string> &args) {
    std::string out;
    int rc = testsupport::run_python(script, args, &out);
    EXPECT_EQ(rc, 0) << script << " failed:\n" << out;
    return rc == 0 ? out : std::string();
}

// Every dataset of `path` as h5py reads it, by key.
inline std::map<std::string, H5pyEntry> h5py_dump(const std::string &path) {
    std::map<std::string, H5pyEntry> out;
    for (const std::string &line : split(python_output("h5_dump.py", {path}), '\n')) {
        if (line.empty()) continue;
        std::vector<std::string> f = split(line, '\t');
        if (f.size() != 11) {
            ADD_FAILURE() << "bad h5_dump line: " << line;
            continue;
        }
        out[f[0]] = H5pyEntry{f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]};
    }
    return out;
}

inline std::string shape_text(const ser_array_info &info) {
    if (info.dtype == SER_NONE) return "none";
    std::string s;
    for (int k = 0; k < info.ndim; ++k) s += (k ? "," : "") + std::to_string(info.shape[k]);
    return s;
}

inline std::string descr(const ser_array_info &info) {
    char buf[32];
    EXPECT_EQ(ser_descr(buf, sizeof buf, &info), SER_OK) << ser_errmsg();
    return buf;
}

// Our view of `key`: h5_dump's dtype (numpy descr), shape and sha256 of the logical bytes.
struct OurEntry {
    std::string dtype, shape, sha256;
};

inline OurEntry read_entry(ser_handle *h, const std::string &key) {
    ser_array_info info;
    if (ser_get_info(&info, h, key.c_str()) != SER_OK) {
        ADD_FAILURE() << key << ": " << ser_errmsg();
        return {};
    }
    if (info.dtype == SER_NONE) return {"none", "none", "-"};
    std::vector<unsigned char> buf(info.nbytes);
    int32_t outcome = -1;
    EXPECT_EQ(ser_get_array(&outcome, h, key.c_str(), info.dtype, info.ndim, info.shape, buf.data(), buf.size()), SER_OK)
        << key << ": " << ser_errmsg();
    EXPECT_EQ(outcome, SER_LOADED) << key;
    std::string d = descr(info);
    return {d, shape_text(info), testsupport::sha256_hex(buf.data(), buf.size())};
}

inline ser_handle *open_h5(const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    ser_handle *h = nullptr;
    EXPECT_EQ(ser_h5_open(&h, path.c_str(), mode, opts), SER_OK) << ser_errmsg();
    return h;
}

inline std::vector<std::string> keys_of(ser_handle *h) {
    size_t n = 0;
    EXPECT_EQ(ser_key_count(&n, h), SER_OK) << ser_errmsg();
    std::vector<std::string> keys;
    for (size_t k = 0; k < n; ++k) {
        const char *key = nullptr;
        EXPECT_EQ(ser_key_at(&key, h, k), SER_OK) << ser_errmsg();
        keys.emplace_back(key ? key : "");
    }
    return keys;
}

}  // namespace h5test
