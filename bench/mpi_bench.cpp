// The MPI flavour's benchmark (issue 12): every rank of MPI_COMM_WORLD saves one checkpoint of a
// bench/workloads.h model (W1t by default: ResNet-50 with Adam's m and v, 483 float32 members,
// 293 MiB at scale 1) together, then reads it back. bench/run_mpi_bench.sh runs it on 1, 2 and
// 4 ranks beside bench/mpi_peers.py (h5py's MPI driver and the ChainerMN pattern, the same plan
// and data) and prints one table.
//
//   chainerser_mpi_bench DIR --layout sharded|replicated [--workload W1t] [--scale S] [--runs N]
//                        [--threads T] [--formats npz,h5] [--split-min BYTES]
//
// --layout sharded: the plan (bench/mpi_peers.py computes the same one): a member of at least
//   --split-min bytes (default 256 KiB) with at least one row per rank is split over the ranks in
//   row blocks of axis 0 (rank q: rows [q n0 / P, (q+1) n0 / P)) and saved with
//   ser_put_array_slab; every other member goes whole to the rank that holds the fewest bytes of
//   such members so far (ties: the lowest rank) and is saved there with ser_put_array. Then every
//   rank reads back what it saved (read-block: ser_get_array_slab of its blocks, ser_get_array of
//   its members).
// --layout replicated: rank 0 holds the model and saves every member with ser_put_array; then
//   every rank loads the whole model with ser_get_arrays_bcast (root 0).
// Formats: npz (compressed, level 6 as numpy) and h5 (gzip 4, h5py's chunks), files
// DIR/ours.<layout>.{npz,h5}, left there.
//
// Each rank holds only its own data: every rank generates the whole workload (deterministic),
// keeps its part and frees the rest before the first case. Timing: MPI_Barrier, then the slowest
// rank's time (MPI_MAX), best of --runs; `put` and `close` split a save at the last put. Peak
// RSS: /proc/self/clear_refs "5" resets the peak before each case, then getrusage's ru_maxrss;
// `own` is the data the benchmark itself holds on that rank during the case (its blocks and
// members for a save; for a read only the buffers it reads into, the saved data being dropped
// first: its blocks and members for read-block, the whole model for read-bcast). `cpu_s`: each
// rank's CPU seconds (every thread, user + system) per run of the case, hashing and checking of
// the first read included; `runq_s`: the seconds per run its main thread waited, runnable, for
// a core (/proc/self/schedstat), which is what a busy machine costs it. Every read is
// checked against a hash of what was saved (first run). Rank 0 prints one JSON line per case.
#include <chainerser/mpi.h>
#include <malloc.h>
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "workloads.h"

namespace {

void check(int rc, const char *what) {
    if (rc == SER_OK) return;
    std::fprintf(stderr, "chainerser_mpi_bench: %s: %s\n", what, ser_errmsg());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

const char *arg_after(int argc, char **argv, const char *name, const char *fallback) {
    for (int i = 2; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

uint64_t fnv(const void *data, size_t n, uint64_t h = 1469598103934665603ull) {
    const unsigned char *p = static_cast<const unsigned char *>(data);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

// One member as this rank saves and reads it: its rows [first, last) of axis 0 if split, else
// the whole member on `owner` only.
struct Part {
    std::string key;
    std::vector<int64_t> shape;
    bool split = false;
    int owner = 0;
    int64_t first = 0, last = 0;
    std::vector<float> data;  // this rank's part (empty if not this rank's)
    uint64_t hash = 0;        // of `data` as saved
    int64_t row_elems() const {
        int64_t n = 1;
        for (size_t k = 1; k < shape.size(); ++k) n *= shape[k];
        return n;
    }
    int64_t elems() const { return shape.empty() ? 1 : shape[0] * row_elems(); }
    size_t own_elems(int rank) const {
        return size_t(split ? (last - first) * row_elems() : owner == rank ? elems() : 0);
    }
};

struct Plan {
    std::vector<Part> parts;
    uint64_t model_bytes = 0;
    uint64_t own_bytes() const {
        uint64_t n = 0;
        for (const Part &p : parts) n += p.data.size() * 4;
        return n;
    }
};

Plan make_plan(std::vector<bench::Array> &&model, bool sharded, uint64_t split_min, int rank, int size) {
    Plan plan;
    std::vector<uint64_t> load(size_t(size), 0);
    for (bench::Array &a : model) {
        if (a.is_int64_scalar) {
            std::fprintf(stderr, "chainerser_mpi_bench: %s: int64 scalars are not in the MPI benchmark\n", a.key.c_str());
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        Part p;
        p.key = a.key;
        p.shape = a.shape;
        plan.model_bytes += a.nbytes();
        if (sharded && !a.shape.empty() && a.shape[0] >= size && a.nbytes() >= split_min) {
            p.split = true;
            p.first = a.shape[0] * rank / size;
            p.last = a.shape[0] * (rank + 1) / size;
            const int64_t row = p.row_elems();
            p.data.assign(a.f32.begin() + p.first * row, a.f32.begin() + p.last * row);
        } else {
            p.owner = sharded ? int(std::min_element(load.begin(), load.end()) - load.begin()) : 0;
            load[size_t(p.owner)] += a.nbytes();
            if (p.owner == rank) p.data = std::move(a.f32);
        }
        p.hash = fnv(p.data.data(), p.data.size() * 4);
        std::vector<float>().swap(a.f32);
        plan.parts.push_back(std::move(p));
    }
    return plan;
}

void reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

long peak_rss_kib() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// Seconds the main thread has spent runnable but waiting for a core (the second field of
// /proc/self/schedstat): what other work on the machine took from it.
double runqueue_seconds() {
    std::ifstream in("/proc/self/schedstat");
    unsigned long long on_cpu = 0, waiting = 0;
    in >> on_cpu >> waiting;
    return 1e-9 * double(waiting);
}

// CPU seconds of the whole process (every thread), user and system.
double cpu_seconds() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Result {
    std::vector<double> runs, put;
    double close = 0;
    uint64_t file_bytes = 0;
};

double slowest(double seconds) {
    double max = 0;
    MPI_Allreduce(&seconds, &max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return max;
}

int open_mpi(ser_handle **h, const std::string &format, const std::string &path, int32_t mode, const ser_options *o) {
    return format == "h5" ? ser_h5_open_mpi(h, MPI_COMM_WORLD, path.c_str(), mode, o)
                          : ser_npz_open_mpi(h, MPI_COMM_WORLD, path.c_str(), mode, o);
}

void save(const Plan &plan, const std::string &format, const std::string &path, const ser_options &o, int rank,
          double &put, double &close) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    ser_handle *w = nullptr;
    check(open_mpi(&w, format, path, SER_WRITE, &o), "open for writing");
    for (const Part &p : plan.parts) {
        const int32_t nd = int32_t(p.shape.size());
        if (p.split) {
            std::vector<int64_t> off(p.shape.size(), 0), cnt = p.shape;
            off[0] = p.first, cnt[0] = p.last - p.first;
            check(ser_put_array_slab(w, p.key.c_str(), SER_FLOAT32, nd, p.shape.data(), off.data(), cnt.data(),
                                     p.data.data(), p.data.size() * 4),
                  "ser_put_array_slab");
        } else if (p.owner == rank) {
            check(ser_put_array(w, p.key.c_str(), SER_FLOAT32, nd, p.shape.data(), p.data.data(), p.data.size() * 4),
                  "ser_put_array");
        }
    }
    const double t1 = MPI_Wtime();
    check(ser_close(w), "ser_close");
    const double t2 = MPI_Wtime();
    put = slowest(t1 - t0);
    close = slowest(t2 - t0) - put;
}

void verify(bool ok, const std::string &what, int rank) {
    if (ok) return;
    std::fprintf(stderr, "chainerser_mpi_bench: rank %d: %s differs from what was saved\n", rank, what.c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

// Every rank reads back its own blocks and members into fresh buffers.
double read_block(const Plan &plan, const std::string &format, const std::string &path, const ser_options &o, int rank,
                  bool check_values, std::vector<std::vector<float>> &into) {
    into.resize(plan.parts.size());
    for (size_t i = 0; i < plan.parts.size(); ++i) into[i].resize(plan.parts[i].own_elems(rank));
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    ser_handle *h = nullptr;
    check(open_mpi(&h, format, path, SER_READ, &o), "open for reading");
    for (size_t i = 0; i < plan.parts.size(); ++i) {
        const Part &p = plan.parts[i];
        const int32_t nd = int32_t(p.shape.size());
        if (p.split) {
            std::vector<int64_t> off(p.shape.size(), 0), cnt = p.shape;
            off[0] = p.first, cnt[0] = p.last - p.first;
            check(ser_get_array_slab(nullptr, h, p.key.c_str(), SER_FLOAT32, nd, off.data(), cnt.data(), into[i].data(),
                                     into[i].size() * 4),
                  "ser_get_array_slab");
        } else if (p.owner == rank) {
            int32_t outcome;
            check(ser_get_array(&outcome, h, p.key.c_str(), SER_FLOAT32, nd, p.shape.data(), into[i].data(),
                                into[i].size() * 4),
                  "ser_get_array");
        }
    }
    check(ser_close(h), "close reader");
    const double t = slowest(MPI_Wtime() - t0);
    if (check_values)
        for (size_t i = 0; i < plan.parts.size(); ++i)
            verify(fnv(into[i].data(), into[i].size() * 4) == plan.parts[i].hash, plan.parts[i].key, rank);
    return t;
}

// Every rank loads the whole model: rank 0 reads, ser_get_arrays_bcast sends it to every rank.
double read_bcast(const Plan &plan, const std::string &format, const std::string &path, const ser_options &o, int rank,
                  bool check_values, std::vector<std::vector<float>> &into, const std::vector<uint64_t> &hashes) {
    into.resize(plan.parts.size());
    std::vector<ser_get_request> reqs(plan.parts.size());
    for (size_t i = 0; i < plan.parts.size(); ++i) {
        const Part &p = plan.parts[i];
        into[i].resize(size_t(p.elems()));
        reqs[i] = {p.key.c_str(), SER_FLOAT32, int32_t(p.shape.size()), p.shape.data(), into[i].data(), into[i].size() * 4,
                   0, 0};
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    ser_handle *h = nullptr;
    check(open_mpi(&h, format, path, SER_READ, &o), "open for reading");
    check(ser_get_arrays_bcast(h, 0, reqs.data(), reqs.size()), "ser_get_arrays_bcast");
    check(ser_close(h), "close reader");
    const double t = slowest(MPI_Wtime() - t0);
    if (check_values)
        for (size_t i = 0; i < plan.parts.size(); ++i)
            verify(fnv(into[i].data(), into[i].size() * 4) == hashes[i], plan.parts[i].key, rank);
    return t;
}

void report(const char *op, const std::string &format, const std::string &layout, int size, int threads,
            const std::vector<double> &runs, const std::vector<double> &puts, uint64_t model_bytes, uint64_t own,
            double cpu, double runq, const std::string &file, int rank) {
    long rss = peak_rss_kib();
    std::vector<long> all_rss(static_cast<size_t>(size));
    std::vector<uint64_t> all_own(static_cast<size_t>(size));
    std::vector<double> all_cpu(static_cast<size_t>(size)), all_runq(static_cast<size_t>(size));
    MPI_Gather(&rss, 1, MPI_LONG, all_rss.data(), 1, MPI_LONG, 0, MPI_COMM_WORLD);
    MPI_Gather(&own, 1, MPI_UINT64_T, all_own.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    MPI_Gather(&cpu, 1, MPI_DOUBLE, all_cpu.data(), 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Gather(&runq, 1, MPI_DOUBLE, all_runq.data(), 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank != 0) return;
    const size_t best = size_t(std::min_element(runs.begin(), runs.end()) - runs.begin());
    long file_bytes = 0;
    if (FILE *f = std::fopen(file.c_str(), "rb")) {
        std::fseek(f, 0, SEEK_END);
        file_bytes = std::ftell(f);
        std::fclose(f);
    }
    std::string line = "{\"side\": \"ours\", \"op\": \"" + std::string(op) + "\", \"format\": \"" + format +
                       "\", \"layout\": \"" + layout + "\", \"ranks\": " + std::to_string(size) +
                       ", \"threads\": " + std::to_string(threads) + ", \"model_bytes\": " + std::to_string(model_bytes) +
                       ", \"file_bytes\": " + std::to_string(file_bytes);
    char buf[64];
    auto num = [&](double v) { return std::snprintf(buf, sizeof buf, "%.4f", v), std::string(buf); };
    line += ", \"seconds\": " + num(runs[best]);
    if (!puts.empty()) line += ", \"put\": " + num(puts[best]) + ", \"close\": " + num(runs[best] - puts[best]);
    line += ", \"runs\": [";
    for (size_t i = 0; i < runs.size(); ++i) line += (i ? ", " : "") + num(runs[i]);
    line += "], \"rss_mib\": [";
    for (size_t i = 0; i < all_rss.size(); ++i) line += (i ? ", " : "") + num(double(all_rss[i]) / 1024);
    line += "], \"own_mib\": [";
    for (size_t i = 0; i < all_own.size(); ++i) line += (i ? ", " : "") + num(double(all_own[i]) / 1048576);
    line += "], \"cpu_s\": [";
    for (size_t i = 0; i < all_cpu.size(); ++i) line += (i ? ", " : "") + num(all_cpu[i]);
    line += "], \"runq_s\": [";
    for (size_t i = 0; i < all_runq.size(); ++i) line += (i ? ", " : "") + num(all_runq[i]);
    line += "]}";
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const std::string layout = arg_after(argc, argv, "--layout", "");
    if (argc < 2 || (layout != "sharded" && layout != "replicated")) {
        if (rank == 0)
            std::fprintf(stderr, "usage: chainerser_mpi_bench DIR --layout sharded|replicated [--workload W1t] [--scale S] "
                                 "[--runs N] [--threads T] [--formats npz,h5] [--split-min BYTES]\n");
        MPI_Finalize();
        return 2;
    }
    const std::string dir = argv[1];
    const bool sharded = layout == "sharded";
    const double scale = std::atof(arg_after(argc, argv, "--scale", "1"));
    const int runs = std::max(1, std::atoi(arg_after(argc, argv, "--runs", "3")));
    const int threads = std::atoi(arg_after(argc, argv, "--threads", "1"));
    const uint64_t split_min = std::strtoull(arg_after(argc, argv, "--split-min", "262144"), nullptr, 10);
    const std::string formats = arg_after(argc, argv, "--formats", "npz,h5");

    Plan plan = make_plan(bench::make_workload(arg_after(argc, argv, "--workload", "W1t"), scale, 0), sharded, split_min,
                          rank, size);
    malloc_trim(0);  // the rest of the workload, freed: only this rank's part stays resident
    // What a bcast read must deliver: rank 0 holds every member in the replicated layout.
    std::vector<uint64_t> hashes(plan.parts.size());
    for (size_t i = 0; i < hashes.size(); ++i) hashes[i] = plan.parts[i].hash;
    MPI_Bcast(hashes.data(), int(hashes.size()), MPI_UINT64_T, 0, MPI_COMM_WORLD);

    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 1;  // NPZ: deflate level 6 (numpy's); HDF5: gzip 4 (Chainer's save_hdf5)
    o.threads = threads;
    std::vector<std::string> fmts;  // npz-stored (not in the default run): the I/O floor of a save
    for (size_t at = 0; at <= formats.size();) {
        const size_t comma = std::min(formats.find(',', at), formats.size());
        fmts.push_back(formats.substr(at, comma - at));
        if (fmts.back() != "npz" && fmts.back() != "h5" && fmts.back() != "npz-stored") {
            if (rank == 0) std::fprintf(stderr, "chainerser_mpi_bench: unknown format %s\n", fmts.back().c_str());
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        at = comma + 1;
    }
    auto file_of = [&](const std::string &f) {
        return dir + "/ours." + layout + "." + (f == "npz-stored" ? "stored.npz" : f);
    };
    auto options_of = [&](const std::string &f) {
        ser_options fo = o;
        fo.compress = f != "npz-stored";
        return fo;
    };
    const uint64_t own = plan.own_bytes();
    for (const std::string &f : fmts) {
        const std::string file = file_of(f);
        std::vector<double> times, puts;
        reset_peak_rss();
        const double cpu0 = cpu_seconds(), runq0 = runqueue_seconds();
        for (int r = 0; r < runs; ++r) {
            double put, close;
            save(plan, f, file, options_of(f), rank, put, close);
            times.push_back(put + close), puts.push_back(put);
        }
        report("save", f, layout, size, threads, times, puts, plan.model_bytes, own, (cpu_seconds() - cpu0) / runs,
               (runqueue_seconds() - runq0) / runs, file, rank);
    }
    // Reads: the saved data is dropped first (the reads are checked against its hashes), so a
    // rank holds only the buffers it reads into.
    for (Part &p : plan.parts) std::vector<float>().swap(p.data);
    malloc_trim(0);
    for (const std::string &f : fmts) {
        const std::string file = file_of(f);
        std::vector<double> times;
        std::vector<std::vector<float>> into;
        reset_peak_rss();
        const double cpu0 = cpu_seconds(), runq0 = runqueue_seconds();
        for (int r = 0; r < runs; ++r)
            times.push_back(sharded ? read_block(plan, f, file, o, rank, r == 0, into)
                                    : read_bcast(plan, f, file, o, rank, r == 0, into, hashes));
        const double cpu = (cpu_seconds() - cpu0) / runs, runq = (runqueue_seconds() - runq0) / runs;
        uint64_t held = 0;
        for (const std::vector<float> &v : into) held += v.size() * 4;
        report(sharded ? "read-block" : "read-bcast", f, layout, size, threads, times, {}, plan.model_bytes,
               held, cpu, runq, file, rank);
    }
    MPI_Finalize();
    return 0;
}
