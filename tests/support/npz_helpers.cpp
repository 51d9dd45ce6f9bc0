#include "support/npz_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "support/sha256.h"
#include "support/test_support.h"

namespace testsupport {

Handle open_npz(const std::string &path, int32_t mode, const ser_options *opts) {
    ser_handle *h = nullptr;
    int rc = ser_npz_open(&h, path.c_str(), mode, opts);
    if (rc != SER_OK) ADD_FAILURE() << "ser_npz_open(" << path << "): " << rc << " " << ser_errmsg();
    return Handle(h);
}

Handle child_of(ser_handle *h, const char *name) {
    ser_handle *c = nullptr;
    int rc = ser_child(&c, h, name);
    if (rc != SER_OK) ADD_FAILURE() << "ser_child(" << name << "): " << ser_errmsg();
    return Handle(c);
}

std::string errmsg() { return ser_errmsg(); }

std::vector<std::string> list_keys(ser_handle *h) {
    std::vector<std::string> keys;
    size_t n = 0;
    if (ser_key_count(&n, h) != SER_OK) {
        ADD_FAILURE() << "ser_key_count: " << ser_errmsg();
        return keys;
    }
    for (size_t i = 0; i < n; ++i) {
        const char *k = nullptr;
        if (ser_key_at(&k, h, i) != SER_OK) ADD_FAILURE() << "ser_key_at: " << ser_errmsg();
        else keys.emplace_back(k);
    }
    return keys;
}

bool read_native(ser_handle *h, const std::string &key, ser_array_info *info, std::string *bytes) {
    if (ser_get_info(info, h, key.c_str()) != SER_OK) {
        ADD_FAILURE() << "ser_get_info(" << key << "): " << ser_errmsg();
        return false;
    }
    bytes->assign(size_t(info->nbytes), '\0');
    if (info->dtype == SER_NONE) return true;
    int32_t outcome = -1;
    int rc = ser_get_array(&outcome, h, key.c_str(), info->dtype, info->ndim, info->shape, bytes->empty() ? nullptr : &(*bytes)[0],
                           bytes->size());
    if (rc != SER_OK || outcome != SER_LOADED) {
        ADD_FAILURE() << "ser_get_array(" << key << "): " << rc << " " << ser_errmsg();
        return false;
    }
    return true;
}

std::string descr_of(const ser_array_info &info) {
    char buf[32];
    if (ser_descr(buf, sizeof buf, &info) != SER_OK) return std::string("?") + ser_errmsg();
    return buf;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

std::string python_ok(const std::string &script, const std::vector<std::string> &args) {
    std::string out;
    int rc = run_python(script, args, &out);
    if (rc != 0) ADD_FAILURE() << script << " exited with " << rc << ":\n" << out;
    return out;
}

void expect_npz_matches(const std::string &npz, const std::string &expect_file) {
    Handle h = open_npz(npz, SER_READ);
    if (!h) return;
    std::vector<std::string> keys = list_keys(h.get());
    std::set<std::string> unlisted(keys.begin(), keys.end());
    std::istringstream lines(read_file(expect_file));
    std::string line;
    size_t checked = 0;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        std::vector<std::string> f = split(line, '\t');
        if (f.size() != 5) {
            ADD_FAILURE() << expect_file << ": bad line " << line;
            continue;
        }
        const std::string &key = f[0];
        SCOPED_TRACE(npz + " key " + key);
        unlisted.erase(key);
        ser_array_info info{};
        std::string bytes;
        if (!read_native(h.get(), key, &info, &bytes)) continue;
        ++checked;
        if (f[4] == "NONE") {
            EXPECT_EQ(info.dtype, SER_NONE);
            continue;
        }
        EXPECT_EQ(descr_of(info), f[1]);
        EXPECT_EQ(info.fortran_order, std::stoi(f[2]));
        std::string shape;
        for (int32_t d = 0; d < info.ndim; ++d) shape += (d ? "," : "") + std::to_string(info.shape[d]);
        EXPECT_EQ(shape, f[3]);
        EXPECT_EQ(sha256_hex(bytes), f[4]);  // native is little-endian on the machines we test on
    }
    EXPECT_TRUE(unlisted.empty()) << npz << " holds keys the expectations do not list, e.g. " << *unlisted.begin();
    EXPECT_GT(checked + (keys.empty() ? 1 : 0), 0u) << expect_file << " checked nothing";
}

}  // namespace testsupport
