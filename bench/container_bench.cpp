// Our zip container against libzip on the same files: opening and listing W2's 40,000 members,
// and writing and reading stored W2 and W3. Both sides go through their public entry points
// (ours: the C API, with its fsync and CRC checks; libzip: zip_open / zip_fread / zip_close).
// Prints a markdown table (bench/RESULTS.md, "Our zip container against libzip").
//
// usage: container_bench DIR [--w3-bytes N] [--runs N]
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "chainerser/chainerser.h"
#include "npz/npy_header.h"
#include "workloads.h"

namespace {

struct Member {
    std::string name;  // "<key>.npy"
    std::vector<unsigned char> npy;
    const bench::Array *array;
};

std::vector<Member> npy_members(const std::vector<bench::Array> &arrays) {
    using namespace chainerser::core;
    std::vector<Member> out;
    for (const bench::Array &a : arrays) {
        const ArrayMeta meta{native_type(a.is_int64_scalar ? SER_INT64 : SER_FLOAT32), a.shape, false};
        const std::string header = encode_npy_header(meta);
        Member m{a.key + ".npy", {header.begin(), header.end()}, &a};
        const auto *data = a.is_int64_scalar ? reinterpret_cast<const unsigned char *>(&a.i64)
                                              : reinterpret_cast<const unsigned char *>(a.f32.data());
        m.npy.insert(m.npy.end(), data, data + a.nbytes());
        out.push_back(std::move(m));
    }
    return out;
}

void check(bool ok, const std::string &what) {
    if (!ok) {
        std::fprintf(stderr, "container_bench: %s: %s\n", what.c_str(), ser_errmsg());
        std::exit(1);
    }
}

double median_seconds(int runs, const std::function<void()> &job) {
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        job();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void write_ours(const std::string &path, const std::vector<bench::Array> &arrays) {
    ser_options o = SER_OPTIONS_INIT;
    o.compress = 0;
    ser_handle *h;
    check(ser_npz_open(&h, path.c_str(), SER_WRITE, &o) == SER_OK, path);
    for (const bench::Array &a : arrays) {
        if (a.is_int64_scalar) check(ser_put_int64(h, a.key.c_str(), a.i64) == SER_OK, a.key);
        else check(ser_put_array(h, a.key.c_str(), SER_FLOAT32, int32_t(a.shape.size()), a.shape.data(), a.f32.data(),
                                 a.nbytes()) == SER_OK, a.key);
    }
    check(ser_close(h) == SER_OK, path);
}

void write_libzip(const std::string &path, const std::vector<Member> &members) {
    int err = 0;
    zip_t *za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    check(za != nullptr, "zip_open " + path);
    for (const Member &m : members) {
        zip_source_t *src = zip_source_buffer(za, m.npy.data(), m.npy.size(), 0);
        const zip_int64_t i = zip_file_add(za, m.name.c_str(), src, ZIP_FL_ENC_UTF_8);
        check(i >= 0 && zip_set_file_compression(za, zip_uint64_t(i), ZIP_CM_STORE, 0) == 0, "zip_file_add");
    }
    check(zip_close(za) == 0, "zip_close " + path);
}

// Opens `path` with the C API and calls visit(handle, key) for every key in order.
void for_each_key(const std::string &path, const std::function<void(ser_handle *, const char *)> &visit) {
    ser_handle *h;
    check(ser_npz_open(&h, path.c_str(), SER_READ, nullptr) == SER_OK, path);
    size_t n = 0;
    check(ser_key_count(&n, h) == SER_OK, "count");
    for (size_t i = 0; i < n; ++i) {
        const char *key;
        check(ser_key_at(&key, h, i) == SER_OK, "key_at");
        visit(h, key);
    }
    check(ser_close(h) == SER_OK, path);
}

void read_ours(const std::string &path, std::vector<unsigned char> &buf) {
    for_each_key(path, [&](ser_handle *h, const char *key) {
        ser_array_info info;
        check(ser_get_info(&info, h, key) == SER_OK, key);
        if (buf.size() < info.nbytes) buf.resize(info.nbytes);
        int32_t outcome;
        check(ser_get_array(&outcome, h, key, info.dtype, info.ndim, info.shape, buf.data(), buf.size()) == SER_OK, key);
    });
}

zip_t *open_libzip(const std::string &path) {
    int err = 0;
    zip_t *za = zip_open(path.c_str(), ZIP_RDONLY, &err);
    check(za != nullptr, "zip_open " + path);
    return za;
}

void read_libzip(const std::string &path, std::vector<unsigned char> &buf) {
    zip_t *za = open_libzip(path);
    for (zip_int64_t i = 0, n = zip_get_num_entries(za, 0); i < n; ++i) {
        zip_stat_t st;
        check(zip_stat_index(za, zip_uint64_t(i), 0, &st) == 0, "zip_stat_index");
        if (buf.size() < st.size) buf.resize(st.size);
        zip_file_t *f = zip_fopen_index(za, zip_uint64_t(i), 0);
        check(f && zip_fread(f, buf.data(), st.size) == zip_int64_t(st.size), "zip_fread");
        zip_fclose(f);
    }
    zip_discard(za);
}

void open_list_ours(const std::string &path) {
    for_each_key(path, [](ser_handle *, const char *) {});
}

void open_list_libzip(const std::string &path) {
    zip_t *za = open_libzip(path);
    for (zip_int64_t i = 0, n = zip_get_num_entries(za, 0); i < n; ++i) check(zip_get_name(za, zip_uint64_t(i), 0) != nullptr, "zip_get_name");
    zip_discard(za);
}

void row(const char *workload, const char *op, double ours, double theirs, const char *note) {
    std::printf("| %s | %s | %.4f | %.4f | %.2fx | %s |\n", workload, op, ours, theirs, theirs / ours, note);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: container_bench DIR [--w3-bytes N] [--runs N]\n");
        return 2;
    }
    const std::string dir = argv[1];
    uint64_t w3_bytes = uint64_t(256) << 20;
    int runs = 3;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--w3-bytes") == 0) w3_bytes = std::strtoull(argv[i + 1], nullptr, 10);
        else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    }
    std::printf("| workload | op | ours median s | libzip median s | libzip / ours | note |\n|---|---|---|---|---|---|\n");
    std::vector<unsigned char> buf;
    for (const char *name : {"W2", "W3"}) {
        const std::vector<bench::Array> arrays = bench::make_workload(name, 1.0, w3_bytes);
        const std::vector<Member> members = npy_members(arrays);
        const std::string ours = dir + "/" + name + "_ours.npz", theirs = dir + "/" + name + "_libzip.npz";
        const double w_ours = median_seconds(runs, [&] { write_ours(ours, arrays); });
        const double w_theirs = median_seconds(runs, [&] { write_libzip(theirs, members); });
        row(name, "write stored", w_ours, w_theirs, "ours includes the fsync of a durable save");
        const double r_ours = median_seconds(runs, [&] { read_ours(theirs, buf); });
        const double r_theirs = median_seconds(runs, [&] { read_libzip(theirs, buf); });
        row(name, "read stored (libzip's file)", r_ours, r_theirs, "ours parses and checks every npy header too");
        if (std::strcmp(name, "W2") == 0) {
            const double o_ours = median_seconds(runs, [&] { open_list_ours(theirs); });
            const double o_theirs = median_seconds(runs, [&] { open_list_libzip(theirs); });
            row(name, "open + list 40,000 members", o_ours, o_theirs, "");
        }
        std::remove(ours.c_str());
        std::remove(theirs.c_str());
    }
    return 0;
}
