// Reads every entry of an open checkpoint through the C API, the way a careful caller would:
// info first, then a buffer of exactly that size. Shared by the fuzz targets (which trap on a
// returned problem) and tests/api/fuzz_regressions_test.cpp (which fails on it), so a crash
// input replays through the same calls that found it. Header-only: the test links the shared
// library, the fuzzers the instrumented objects.
#pragma once

#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace fuzzsupport {

// Options a fuzzer uses: small caps so an input that claims gigabytes is refused, not allocated.
inline ser_options bounded_options(uint64_t max_entry_bytes) {
    ser_options opts;
    ser_options_init(&opts, SER_OPTIONS_VERSION);
    opts.threads = 1;
    opts.max_entry_bytes = max_entry_bytes;
    opts.max_total_bytes = 8 * max_entry_bytes;
    return opts;
}

// The invariants every call keeps, whatever the bytes: a failure comes with a message, an
// info is self-consistent and within the caps. Returns "" or what went wrong.
inline std::string check_status(int rc, const char *call, const std::string &key) {
    if (rc > 0 || rc < SER_ELIMIT) return std::string(call) + "('" + key + "') returned unknown code " + std::to_string(rc);
    if (rc != SER_OK && ser_errmsg()[0] == '\0') return std::string(call) + "('" + key + "') failed without a message";
    if (rc == SER_EINTERNAL) return std::string(call) + "('" + key + "') reported an internal error: " + ser_errmsg();
    return "";
}

inline std::string check_info(const ser_array_info &info, const std::string &key) {
    if (info.ndim < 0 || info.ndim > SER_MAX_NDIM) return key + ": ndim out of range";
    if (info.dtype == SER_NONE) return "";
    uint64_t count = 1;
    for (int32_t i = 0; i < info.ndim; ++i) {
        if (info.shape[i] < 0) return key + ": negative extent";
        if (info.shape[i] != 0 && count > UINT64_MAX / static_cast<uint64_t>(info.shape[i]))
            return key + ": shape overflows";
        count *= static_cast<uint64_t>(info.shape[i]);
    }
    if (count != info.count) return key + ": count is not the product of the shape";
    if (info.itemsize != 0 && count > UINT64_MAX / info.itemsize) return key + ": nbytes overflows";
    if (info.nbytes != count * info.itemsize) return key + ": nbytes is not count * itemsize";
    return "";
}

// Reads one key; an HDF5 handle also gets a hyperslab read of the first half of axis 0, an NPZ
// handle a block read of the second half.
inline std::string read_entry(ser_handle *h, const std::string &key, bool hdf5, uint64_t max_entry_bytes) {
    ser_array_info info;
    int rc = ser_get_info(&info, h, key.c_str());
    std::string problem = check_status(rc, "ser_get_info", key);
    if (!problem.empty() || rc != SER_OK) return problem;
    if (!(problem = check_info(info, key)).empty()) return problem;
    if (max_entry_bytes && info.dtype != SER_NONE && info.nbytes > max_entry_bytes) {
        // An HDF5 dataset may describe more than its file holds (unallocated chunks are legal):
        // reading it must be refused before anything that large is allocated.
        unsigned char small[16];
        int32_t outcome = -1;
        rc = ser_get_array(&outcome, h, key.c_str(), info.dtype, info.ndim, info.shape, small, sizeof small);
        if (rc == SER_OK && outcome == SER_LOADED) return key + ": read beyond max_entry_bytes succeeded";
        return check_status(rc, "ser_get_array", key);
    }

    int32_t outcome = -1;
    if ((info.dtype == SER_UNICODE || info.dtype == SER_BYTES) && info.ndim == 0) {
        size_t size = 0;
        rc = ser_get_string(&size, &outcome, h, key.c_str(), nullptr, 0);
        if (!(problem = check_status(rc, "ser_get_string", key)).empty()) return problem;
        if (rc == SER_OK && size > 0) {
            std::vector<char> text(size);
            rc = ser_get_string(&size, &outcome, h, key.c_str(), text.data(), text.size());
            if (!(problem = check_status(rc, "ser_get_string", key)).empty()) return problem;
            if (rc == SER_OK && text[size - 1] != '\0') return key + ": string not NUL-terminated";
        }
    }
    if (info.dtype != SER_NONE && info.ndim == 0) {
        int64_t i64 = 0;
        double f64 = 0;
        if (!(problem = check_status(ser_get_int64(&i64, &outcome, h, key.c_str()), "ser_get_int64", key)).empty() ||
            !(problem = check_status(ser_get_float64(&f64, &outcome, h, key.c_str()), "ser_get_float64", key)).empty())
            return problem;
    }
    // One spare byte past the data: a write beyond nbytes shows up under ASan and valgrind.
    std::vector<unsigned char> buf(static_cast<size_t>(info.dtype == SER_NONE ? 0 : info.nbytes) + 1);
    rc = ser_get_array(&outcome, h, key.c_str(), info.dtype, info.ndim, info.shape, buf.data(), buf.size() - 1);
    if (!(problem = check_status(rc, "ser_get_array", key)).empty()) return problem;

    if (hdf5 && info.dtype != SER_NONE && info.ndim > 0) {
        int64_t offset[SER_MAX_NDIM] = {0}, count[SER_MAX_NDIM];
        for (int32_t i = 0; i < info.ndim; ++i) count[i] = info.shape[i];
        count[0] = info.shape[0] / 2;
        rc = ser_h5_get_array(&outcome, h, key.c_str(), info.dtype, info.ndim, offset, count, buf.data(),
                              buf.size() - 1);
        if (!(problem = check_status(rc, "ser_h5_get_array", key)).empty()) return problem;
    }
    if (!hdf5 && info.dtype != SER_NONE && info.dtype != SER_UNICODE && info.dtype != SER_BYTES && info.ndim > 0) {
        // A block of an NPZ member: the second half of axis 0 (with a piece index and piece
        // CRC-32s, only the pieces that hold it are inflated).
        int64_t offset[SER_MAX_NDIM] = {0}, count[SER_MAX_NDIM];
        for (int32_t i = 0; i < info.ndim; ++i) count[i] = info.shape[i];
        offset[0] = info.shape[0] / 2;
        count[0] = info.shape[0] - offset[0];
        rc = ser_get_array_slab(&outcome, h, key.c_str(), info.dtype, info.ndim, offset, count, buf.data(),
                                buf.size() - 1);
        if (!(problem = check_status(rc, "ser_get_array_slab", key)).empty()) return problem;
    }
    return "";
}

// Opens `path` for reading and reads every listed key. Returns "" or the first broken invariant.
inline std::string read_everything(const std::string &path, bool hdf5, uint64_t max_entry_bytes) {
    ser_options opts = bounded_options(max_entry_bytes);
    ser_handle *h = nullptr;
    int rc = hdf5 ? ser_h5_open(&h, path.c_str(), SER_READ, &opts) : ser_npz_open(&h, path.c_str(), SER_READ, &opts);
    std::string problem = check_status(rc, hdf5 ? "ser_h5_open" : "ser_npz_open", path);
    if (rc != SER_OK) return problem.empty() && h ? "open failed but returned a handle" : problem;

    size_t n = 0;
    rc = ser_key_count(&n, h);
    problem = check_status(rc, "ser_key_count", "");
    for (size_t i = 0; problem.empty() && rc == SER_OK && i < n; ++i) {
        const char *key = nullptr;
        int krc = ser_key_at(&key, h, i);
        problem = check_status(krc, "ser_key_at", std::to_string(i));
        if (problem.empty() && krc == SER_OK) problem = read_entry(h, key, hdf5, max_entry_bytes);
    }
    if (problem.empty()) {  // a key that is not there is a clean not-found
        ser_array_info info;
        problem = check_status(ser_get_info(&info, h, "no/such/key"), "ser_get_info", "no/such/key");
    }
    int close_rc = ser_close(h);
    if (problem.empty()) problem = check_status(close_rc, "ser_close", path);
    return problem;
}

}  // namespace fuzzsupport
