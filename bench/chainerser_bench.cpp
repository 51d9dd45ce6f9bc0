// libchainerser's side of the benchmark (bench/run_bench.py drives it and NumPy/h5py side by side).
//   chainerser_bench gen NAME OUT.npz [--scale S] [--w3-bytes B]
//   chainerser_bench run OP FORMAT SRC.npz WORKDIR [--runs N] [--threads T]
//   chainerser_bench prepare OP FORMAT SRC.npz WORKDIR   (before a load OP: writes the file it reads)
// OP: save_c save_s load_c load_s load_one open_list view; FORMAT: npz h5 (view: npz only).
// OP load_theirs, describe_theirs (no prepare): open, describe every key and (load_theirs) read
// everything from bench_numpy.npz/.h5, the file numpy_bench.py's load wrote with NumPy or h5py,
// so that both sides load the very file a user of Chainer has.
// `run` prints one JSON line: {"op", "format", "bytes", "runs": [seconds...], "median": seconds}.
#include <chainerser/chainerser.h>
#include <chainerser/npz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "workloads.h"

namespace {

struct Loaded {
    std::string key;
    ser_array_info info;
    std::vector<unsigned char> bytes;
};

void check(int rc, const char *what) {
    if (rc != SER_OK) {
        std::fprintf(stderr, "chainerser_bench: %s: %s\n", what, ser_errmsg());
        std::exit(2);
    }
}

int open_file(ser_handle **h, const std::string &format, const std::string &path, int32_t mode, const ser_options *o) {
    return format == "h5" ? ser_h5_open(h, path.c_str(), mode, o) : ser_npz_open(h, path.c_str(), mode, o);
}

std::vector<Loaded> load_source(const std::string &path) {
    ser_handle *h;
    check(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), "open source");
    size_t n;
    check(ser_key_count(&n, h), "count");
    std::vector<Loaded> out(n);
    for (size_t i = 0; i < n; ++i) {
        const char *key;
        check(ser_key_at(&key, h, i), "key");
        out[i].key = key;
        check(ser_get_info(&out[i].info, h, key), "info");
        out[i].bytes.resize(out[i].info.nbytes);
        int32_t outcome;
        check(ser_get_array(&outcome, h, key, out[i].info.dtype, out[i].info.ndim, out[i].info.shape,
                            out[i].bytes.data(), out[i].bytes.size()),
              "read source");
    }
    check(ser_close(h), "close source");
    return out;
}

void save(const std::vector<Loaded> &data, const std::string &format, const std::string &path, bool compress,
          int threads) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    o.threads = threads;
    o.align_data = !compress && format == "npz";
    ser_handle *h;
    check(open_file(&h, format, path, SER_WRITE, &o), "open for writing");
    for (const Loaded &a : data)
        check(ser_put_array(h, a.key.c_str(), a.info.dtype, a.info.ndim, a.info.shape, a.bytes.data(), a.bytes.size()),
              "put");
    check(ser_close(h), "commit");
}

void load_all(std::vector<Loaded> &into, const std::string &format, const std::string &path, int threads) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.threads = threads;
    ser_handle *h;
    check(open_file(&h, format, path, SER_READ, &o), "open for reading");
    std::vector<ser_get_request> reqs(into.size());
    for (size_t i = 0; i < into.size(); ++i) {
        Loaded &a = into[i];
        reqs[i] = {a.key.c_str(), a.info.dtype, a.info.ndim, a.info.shape, a.bytes.data(), a.bytes.size(), 0, 0};
    }
    check(ser_get_arrays(h, reqs.data(), reqs.size()), "get_arrays");
    check(ser_close(h), "close");
}

// What a program that does not know the file does: open, list and describe every key, then
// read everything in one batch (into buffers allocated beforehand, as load_all).
void load_described(std::vector<Loaded> &into, const std::string &format, const std::string &path, int threads,
                    bool read) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.threads = threads;
    ser_handle *h;
    check(open_file(&h, format, path, SER_READ, &o), "open for reading");
    size_t n;
    check(ser_key_count(&n, h), "count");
    if (n != into.size()) {
        std::fprintf(stderr, "chainerser_bench: %s holds %zu keys, the workload %zu\n", path.c_str(), n, into.size());
        std::exit(2);
    }
    std::vector<ser_get_request> reqs(n);
    std::vector<ser_array_info> infos(n);
    for (size_t i = 0; i < n; ++i) {
        const char *key;
        check(ser_key_at(&key, h, i), "key");
        check(ser_get_info(&infos[i], h, key), "info");
        Loaded &a = into[i];
        if (a.key != key || infos[i].nbytes != a.bytes.size()) {
            std::fprintf(stderr, "chainerser_bench: %s: key %zu is %s, the workload's %s\n", path.c_str(), i, key,
                         a.key.c_str());
            std::exit(2);
        }
        reqs[i] = {key, infos[i].dtype, infos[i].ndim, infos[i].shape, a.bytes.data(), a.bytes.size(), 0, 0};
    }
    if (read) check(ser_get_arrays(h, reqs.data(), reqs.size()), "get_arrays");
    check(ser_close(h), "close");
}

void load_one(Loaded &a, const std::string &format, const std::string &path) {
    ser_handle *h;
    check(open_file(&h, format, path, SER_READ, nullptr), "open for reading");
    int32_t outcome;
    check(ser_get_array(&outcome, h, a.key.c_str(), a.info.dtype, a.info.ndim, a.info.shape, a.bytes.data(),
                        a.bytes.size()),
          "get_array");
    check(ser_close(h), "close");
}

void view_one(const Loaded &a, const std::string &path) {
    ser_handle *h;
    check(ser_npz_open(&h, path.c_str(), SER_READ, nullptr), "open for reading");
    const void *p = nullptr;
    ser_array_info info;
    check(ser_npz_view(&p, &info, h, a.key.c_str()), "view");
    volatile unsigned char first = *static_cast<const unsigned char *>(p);  // touch it
    (void)first;
    check(ser_close(h), "close");
}

void open_list(const std::string &format, const std::string &path) {
    ser_handle *h;
    check(open_file(&h, format, path, SER_READ, nullptr), "open for reading");
    size_t n;
    check(ser_key_count(&n, h), "count");
    for (size_t i = 0; i < n; ++i) {
        const char *key;
        check(ser_key_at(&key, h, i), "key");
    }
    check(ser_close(h), "close");
}

double seconds_of(const std::function<void()> &job) {
    auto t0 = std::chrono::steady_clock::now();
    job();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const char *arg_after(int argc, char **argv, const char *name, const char *fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

int run(int argc, char **argv, bool prepare_only) {
    const std::string op = argv[2], format = argv[3], src = argv[4], dir = argv[5];
    const int runs = std::atoi(arg_after(argc, argv, "--runs", "5"));
    const int threads = std::atoi(arg_after(argc, argv, "--threads", "0"));
    std::vector<Loaded> data = load_source(src);
    uint64_t bytes = 0;
    for (const Loaded &a : data) bytes += a.bytes.size();
    const std::string file = dir + "/bench." + (format == "h5" ? "h5" : "npz");
    std::function<void()> job;
    if (op == "save_c" || op == "save_s") {
        job = [&] { save(data, format, file, op == "save_c", threads); };
    } else if (op == "load_theirs" || op == "describe_theirs") {
        if (prepare_only) return 0;
        const std::string theirs = dir + "/bench_numpy." + (format == "h5" ? "h5" : "npz");
        const bool read = op == "load_theirs";
        if (!read) bytes = 0;
        job = [&, theirs, read] { load_described(data, format, theirs, threads, read); };
    } else if (op == "load_c" || op == "load_s" || op == "load_one" || op == "open_list" || op == "view") {
        // The file to read: written by a separate `prepare` run, so that this process's peak
        // memory is the load's alone.
        if (prepare_only) {
            save(data, format, file, op != "load_s" && op != "view", threads);
            return 0;
        }
        Loaded &one = data[data.size() / 2];
        if (op == "load_one" || op == "view") bytes = one.bytes.size();
        if (op == "open_list") bytes = 0;
        if (op == "load_one") job = [&] { load_one(one, format, file); };
        else if (op == "open_list") job = [&] { open_list(format, file); };
        else if (op == "view") job = [&] { view_one(one, file); };
        else job = [&] { load_all(data, format, file, threads); };
    } else {
        std::fprintf(stderr, "chainerser_bench: unknown op %s\n", op.c_str());
        return 2;
    }
    job();  // warm-up
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) times.push_back(seconds_of(job));
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::printf("{\"op\": \"%s\", \"format\": \"%s\", \"bytes\": %llu, \"median\": %.6f, \"runs\": [", op.c_str(),
                format.c_str(), (unsigned long long)bytes, sorted[sorted.size() / 2]);
    for (size_t i = 0; i < times.size(); ++i) std::printf("%s%.6f", i ? ", " : "", times[i]);
    std::printf("]}\n");
    return 0;
}

int gen(int argc, char **argv) {
    const double scale = std::atof(arg_after(argc, argv, "--scale", "1"));
    const uint64_t w3 = std::strtoull(arg_after(argc, argv, "--w3-bytes", "1073741824"), nullptr, 10);
    std::vector<bench::Array> arrays = bench::make_workload(argv[2], scale, w3);
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 0;
    ser_handle *h;
    check(ser_npz_open(&h, argv[3], SER_WRITE, &o), "open workload");
    for (const bench::Array &a : arrays) {
        if (a.is_int64_scalar) check(ser_put_int64(h, a.key.c_str(), a.i64), "put");
        else
            check(ser_put_array(h, a.key.c_str(), SER_FLOAT32, int32_t(a.shape.size()), a.shape.data(), a.f32.data(),
                                a.f32.size() * 4),
                  "put");
    }
    check(ser_close(h), "commit workload");
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc >= 4 && std::strcmp(argv[1], "gen") == 0) return gen(argc, argv);
    if (argc >= 6 && std::strcmp(argv[1], "run") == 0) return run(argc, argv, false);
    if (argc >= 6 && std::strcmp(argv[1], "prepare") == 0) return run(argc, argv, true);
    std::fprintf(stderr, "usage: chainerser_bench gen NAME OUT.npz [--scale S] [--w3-bytes B]\n"
                         "       chainerser_bench run OP FORMAT SRC.npz WORKDIR [--runs N] [--threads T]\n"
                         "       chainerser_bench prepare OP FORMAT SRC.npz WORKDIR   (writes the file a load OP reads)\n");
    return 2;
}
