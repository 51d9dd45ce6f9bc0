#include "support/hardening.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace testsupport {

namespace {
int64_t pattern_value(int k, size_t i) { return int64_t((uint64_t(i) * 37 + uint64_t(k) * 101) % 4099); }
}  // namespace

std::vector<float> pattern_f32(int k, size_t n) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = float(double(pattern_value(k, i)) * 0.25 - 500);
    return v;
}

std::vector<int64_t> pattern_i64(int k, size_t n) {
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = pattern_value(k, i) - 2000;
    return v;
}

std::string pattern_bytes(int k, size_t n, int32_t dtype) {
    if (dtype == SER_FLOAT32) {
        std::vector<float> v = pattern_f32(k, n);
        return std::string(reinterpret_cast<const char *>(v.data()), n * sizeof(float));
    }
    std::vector<int64_t> v = pattern_i64(k, n);
    return std::string(reinterpret_cast<const char *>(v.data()), n * sizeof(int64_t));
}

const std::string &hardening_inputs() {
    static const std::string dir = [] {
        std::string d = scratch_dir();
        python_ok("hardening_inputs.py", {d});
        return d;
    }();
    return dir;
}

std::string hardening_input(const std::string &name) { return hardening_inputs() + "/" + name; }

KeyRead read_key(ser_handle *h, const std::string &key, uint64_t max_bytes) {
    KeyRead r;
    r.code = ser_get_info(&r.info, h, key.c_str());
    if (r.code == SER_OK && r.info.dtype != SER_NONE && r.info.nbytes <= max_bytes) {
        r.bytes.assign(size_t(r.info.nbytes), '\0');
        int32_t outcome = -1;
        r.code = ser_get_array(&outcome, h, key.c_str(), r.info.dtype, r.info.ndim, r.info.shape,
                               r.bytes.empty() ? nullptr : &r.bytes[0], r.bytes.size());
        if (r.code == SER_OK && outcome != SER_LOADED) r.code = SER_EINTERNAL, r.message = "not loaded";
    }
    if (r.code != SER_OK && r.message.empty()) r.message = ser_errmsg();
    return r;
}

std::vector<KeyRead> read_keys(OpenFn open, const std::string &path, const std::vector<std::string> &keys,
                               const ser_options *opts, uint64_t max_bytes) {
    ser_handle *h = nullptr;
    KeyRead opened;
    opened.code = open(&h, path.c_str(), SER_READ, opts);
    if (opened.code != SER_OK) {
        opened.message = ser_errmsg();
        if (h) opened.code = SER_EINTERNAL, opened.message = "failed open returned a handle";
        return {opened};
    }
    std::vector<KeyRead> out;
    for (const std::string &k : keys) out.push_back(read_key(h, k, max_bytes));
    ser_close(h);
    return out;
}

int save_checkpoint(OpenFn open, const std::string &path, const Checkpoint &c, int compress, int report_fd) {
    auto report = [report_fd](char stage) {
        if (report_fd >= 0) write_all(report_fd, std::string(1, stage));
    };
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    o.compression_level = 1;
    o.threads = 2;
    ser_handle *w = nullptr;
    int rc = open(&w, path.c_str(), SER_WRITE, &o);
    if (rc != SER_OK) return rc;
    report('o');
    for (int k = 0; k < c.entries; ++k) {
        std::vector<float> v = pattern_f32(c.base + k, c.elems);
        const int64_t shape[1] = {int64_t(c.elems)};
        rc = ser_put_array(w, ("w" + std::to_string(k)).c_str(), SER_FLOAT32, 1, shape, v.data(), v.size() * 4);
        if (rc != SER_OK) return ser_discard(w), rc;
        report('p');
    }
    report('c');
    rc = ser_close(w);
    report('d');
    return rc;
}

::testing::AssertionResult holds_checkpoint(OpenFn open, const std::string &path, const Checkpoint &c) {
    std::vector<std::string> keys;
    for (int k = 0; k < c.entries; ++k) keys.push_back("w" + std::to_string(k));
    std::vector<KeyRead> r = read_keys(open, path, keys);
    if (r.size() != keys.size()) return ::testing::AssertionFailure() << "open: " << r[0].message;
    for (int k = 0; k < c.entries; ++k) {
        if (r[k].code != SER_OK) return ::testing::AssertionFailure() << keys[k] << ": " << r[k].message;
        if (r[k].info.dtype != SER_FLOAT32 || r[k].info.ndim != 1 || r[k].info.shape[0] != int64_t(c.elems) ||
            r[k].bytes != pattern_bytes(c.base + k, c.elems, SER_FLOAT32))
            return ::testing::AssertionFailure() << keys[k] << " differs";
    }
    size_t n = 0;  // and nothing else
    ser_handle *h = nullptr;
    if (open(&h, path.c_str(), SER_READ, nullptr) == SER_OK) ser_key_count(&n, h);
    ser_close(h);
    if (n != keys.size()) return ::testing::AssertionFailure() << n << " keys";
    return ::testing::AssertionSuccess();
}

std::set<std::string> dir_entries(const std::string &dir) {
    std::set<std::string> names;
    DIR *d = opendir(dir.c_str());
    while (struct dirent *e = d ? readdir(d) : nullptr)
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.insert(e->d_name);
    if (d) closedir(d);
    return names;
}

long peak_rss_kib() {
    struct rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

void write_all(int fd, const std::string &s) {
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return;
        done += size_t(n);
    }
}

ChildResult run_child(const std::function<int(int out)> &fn, unsigned timeout_s) {
    ChildResult r;
    int p[2];
    if (pipe(p) != 0) return r;
    pid_t pid = fork();
    if (pid < 0) return r;
    if (pid == 0) {
        close(p[0]);
        alarm(timeout_s);
        _exit(fn(p[1]));
    }
    close(p[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) r.output.append(buf, size_t(n));
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exited = WIFEXITED(status);
    r.status = r.exited ? WEXITSTATUS(status) : -1;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return r;
}

}  // namespace testsupport
