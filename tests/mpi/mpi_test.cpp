// The MPI flavour under mpirun (1-4 ranks): rank-local and sharded writes of both formats, reads
// on other numbers of ranks, broadcast reads, and the failure semantics. Every rank runs every
// test; the files go to the directory in argv[1], where mpi_check.py (run after this program)
// compares each file NAME.mpi.* with NAME.serial.*, written by the serial API on rank 0 from the
// same data.
#include <chainerser/chainerser.h>
#include <chainerser/mpi.h>
#include <chainerser/npz.h>
#include <chainerser/mpi.hpp>
#include <gtest/gtest.h>
#include <mpi.h>
#include <dirent.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mpi_gtest_main.h"

namespace {

std::string g_dir;
int g_rank = 0, g_size = 1;

using Open = int (*)(ser_handle **, const char *, int32_t, const ser_options *);
using OpenMpi = int (*)(ser_handle **, MPI_Comm, const char *, int32_t, const ser_options *);

struct Format {
    const char *ext;
    Open open;
    OpenMpi open_mpi;
    int compress;
};

const Format kFormats[] = {{"npz", ser_npz_open, ser_npz_open_mpi, 1},
                           {"stored.npz", ser_npz_open, ser_npz_open_mpi, 0},
                           {"h5", ser_h5_open, ser_h5_open_mpi, 1}};

ser_options options(int compress) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    o.threads = 1;
    return o;
}

std::string path(const std::string &name, const Format &f, const char *flavour) {
    return g_dir + "/" + name + "." + flavour + "." + f.ext;
}

// The value of element i of the test arrays.
double value(int64_t i) { return double(i) * 0.5 - 7.0; }

// The global array: shape, filled with value(flat index).
std::vector<double> global_array(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<double> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = value(i);
    return v;
}

// This rank's block of `tiling`: per axis, how many parts (their product is the number of ranks
// used; ranks past it get an empty block).
void block_of(const std::vector<int64_t> &shape, const std::vector<int> &parts, int rank, std::vector<int64_t> &off,
              std::vector<int64_t> &cnt) {
    int used = 1;
    for (int p : parts) used *= p;
    off.assign(shape.size(), 0);
    cnt = shape;
    if (rank >= used) {
        if (!cnt.empty()) cnt[0] = 0;
        return;
    }
    int r = rank;
    for (size_t k = shape.size(); k-- > 0;) {
        const int p = parts[k], i = r % p;
        r /= p;
        const int64_t lo = shape[k] * i / p, hi = shape[k] * (i + 1) / p;
        off[k] = lo, cnt[k] = hi - lo;
    }
}

std::vector<double> cut(const std::vector<double> &whole, const std::vector<int64_t> &shape, const std::vector<int64_t> &off,
                        const std::vector<int64_t> &cnt) {
    int64_t n = 1;
    for (int64_t c : cnt) n *= c;
    std::vector<double> out;
    out.reserve(size_t(n));
    std::vector<int64_t> idx(cnt.size(), 0);
    for (int64_t e = 0; e < n; ++e) {
        int64_t flat = 0;
        for (size_t k = 0; k < shape.size(); ++k) flat = flat * shape[k] + off[k] + idx[k];
        out.push_back(whole[size_t(flat)]);
        for (size_t k = cnt.size(); k-- > 0;) {
            if (++idx[k] < cnt[k]) break;
            idx[k] = 0;
        }
    }
    return out;
}

struct Sharded {
    const char *key;
    std::vector<int64_t> shape;
    std::vector<int> parts;  // for 4 ranks; fewer ranks fold them
};

// Tilings for `size` ranks: row blocks, 2-D and 3-D decompositions, a rank with an empty block.
std::vector<Sharded> sharded_entries(int size) {
    std::vector<Sharded> s = {
        {"field/rows", {13, 7}, {size, 1}},
        {"field/cube", {6, 5, 4}, size == 4 ? std::vector<int>{2, 1, 2} : std::vector<int>{size, 1, 1}},
        {"field/grid", {9, 8}, size == 4 ? std::vector<int>{2, 2} : size == 2 ? std::vector<int>{1, 2} : std::vector<int>{size, 1}},
        {"vec", {10}, {std::max(1, size - 1)}},  // the last rank's block is empty when size > 1
        {"big/rank4", {3, 2, 2, 5}, {1, 1, 1, size == 1 ? 1 : 1}},
    };
    return s;
}

// Rank-local entries: every dtype, None, str and scalars; each rank its own keys, rank 0 a model.
void put_local_entries(ser_handle *w, int rank, int ranks, bool serial_all_ranks) {
    for (int r = 0; r < ranks; ++r) {
        if (!serial_all_ranks && r != rank) continue;
        ser_handle *c = nullptr;
        ASSERT_EQ(ser_child(&c, w, ("rank" + std::to_string(r)).c_str()), SER_OK) << ser_errmsg();
        const int64_t shape[2] = {2, 3};
        const float f32[6] = {1.5f, -2, 3, float(r), 5, 6};
        const int8_t i8[6] = {1, -2, 3, int8_t(r), 5, 6};
        const uint16_t u16[6] = {1, 2, 3, uint16_t(r), 5, 65535};
        const int64_t i64[6] = {1, -2, 3, r, 5, int64_t(1) << 40};
        const unsigned char b[6] = {1, 0, 1, 0, 1, 1};
        const double c128[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, double(r)};
        const uint16_t f16[6] = {0x3c00, 0x4000, 0xc000, 0x0000, 0x7c00, 0x3555};
        EXPECT_EQ(ser_put_array(c, "W", SER_FLOAT32, 2, shape, f32, sizeof f32), SER_OK) << ser_errmsg();
        EXPECT_EQ(ser_put_array(c, "i8", SER_INT8, 2, shape, i8, sizeof i8), SER_OK);
        EXPECT_EQ(ser_put_array(c, "u16", SER_UINT16, 2, shape, u16, sizeof u16), SER_OK);
        EXPECT_EQ(ser_put_array(c, "i64", SER_INT64, 2, shape, i64, sizeof i64), SER_OK);
        EXPECT_EQ(ser_put_array(c, "bool", SER_BOOL, 2, shape, b, sizeof b), SER_OK);
        EXPECT_EQ(ser_put_array(c, "c128", SER_COMPLEX128, 2, shape, c128, sizeof c128), SER_OK);
        EXPECT_EQ(ser_put_array(c, "f16", SER_FLOAT16, 2, shape, f16, sizeof f16), SER_OK);
        EXPECT_EQ(ser_put_none(c, "lazy"), SER_OK);
        EXPECT_EQ(ser_put_string(c, "name", ("räng " + std::to_string(r)).c_str()), SER_OK);
        const char32_t names[2][5] = {{U'a', U'\0', U'b'}, {U'x', char32_t(U'0' + r)}};  // embedded NUL, width 5
        ser_array_info text{};
        text.dtype = SER_UNICODE;
        text.byteorder = SER_LITTLE;
        text.ndim = 1;
        text.shape[0] = 2;
        text.itemsize = 20;
        EXPECT_EQ(ser_put_array_ex(c, "names", &text, names, sizeof names), SER_OK) << ser_errmsg();
        EXPECT_EQ(ser_put_int64(c, "iteration", 1000 + r), SER_OK);
        EXPECT_EQ(ser_put_float64(c, "lr", 0.125 * r), SER_OK);
        EXPECT_EQ(ser_put_bool(c, "flag", r % 2), SER_OK);
        ser_close(c);
    }
}

// Writes NAME.mpi.EXT collectively on `comm` and, on rank 0 of it, NAME.serial.EXT with the
// serial API from the same data.
void write_both(const std::string &name, const Format &f, MPI_Comm comm) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const ser_options o = options(f.compress);
    ser_handle *w = nullptr;
    ASSERT_EQ(f.open_mpi(&w, comm, path(name, f, "mpi").c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    put_local_entries(w, rank, size, false);
    for (const Sharded &s : sharded_entries(size)) {
        const std::vector<double> whole = global_array(s.shape);
        std::vector<int64_t> off, cnt;
        block_of(s.shape, s.parts, rank, off, cnt);
        const std::vector<double> mine = cut(whole, s.shape, off, cnt);
        EXPECT_EQ(ser_put_array_slab(w, s.key, SER_FLOAT64, int32_t(s.shape.size()), s.shape.data(), off.data(), cnt.data(),
                                     mine.data(), mine.size() * 8),
                  SER_OK)
            << ser_errmsg();
    }
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    if (rank != 0) return;
    ser_handle *s = nullptr;
    ASSERT_EQ(f.open(&s, path(name, f, "serial").c_str(), SER_WRITE, &o), SER_OK);
    put_local_entries(s, 0, size, true);
    for (const Sharded &e : sharded_entries(size)) {
        const std::vector<double> whole = global_array(e.shape);
        EXPECT_EQ(ser_put_array(s, e.key, SER_FLOAT64, int32_t(e.shape.size()), e.shape.data(), whole.data(), whole.size() * 8),
                  SER_OK);
    }
    ASSERT_EQ(ser_close(s), SER_OK) << ser_errmsg();
}

TEST(MpiWrite, EveryFormatOnAllRanksMatchesTheSerialWriter) {
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        write_both("all", f, MPI_COMM_WORLD);
    }
}

// The C-order elements of an array of extents `cnt` in column-major order (a Fortran array's memory).
std::vector<double> column_major(const std::vector<double> &c_order, const std::vector<int64_t> &cnt) {
    std::vector<double> out(c_order.size());
    std::vector<int64_t> idx(cnt.size(), 0);
    for (size_t e = 0; e < c_order.size(); ++e) {
        int64_t at = 0;
        for (size_t k = cnt.size(); k-- > 0;) at = at * cnt[k] + idx[k];
        out[size_t(at)] = c_order[e];
        for (size_t k = cnt.size(); k-- > 0;) {
            if (++idx[k] < cnt[k]) break;
            idx[k] = 0;
        }
    }
    return out;
}

// ser_put_array_slab_ex with SER_ORDER_F: each rank's block column-major. The entries are what the
// serial writer makes of the whole array put column-major (ser_put_array_ex, fortran_order): NPZ
// Fortran-ordered members byte for byte, HDF5 the same datasets (mpi_check.py compares them).
TEST(MpiWrite, ColumnMajorSlabsMatchTheSerialWritersColumnMajorArrays) {
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        const ser_options o = options(f.compress);
        ser_handle *w = nullptr;
        ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, path("fortran", f, "mpi").c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
        for (const Sharded &s : sharded_entries(g_size)) {
            std::vector<int64_t> off, cnt;
            block_of(s.shape, s.parts, g_rank, off, cnt);
            const std::vector<double> mine = column_major(cut(global_array(s.shape), s.shape, off, cnt), cnt);
            EXPECT_EQ(ser_put_array_slab_ex(w, s.key, SER_FLOAT64, int32_t(s.shape.size()), s.shape.data(), off.data(),
                                            cnt.data(), SER_ORDER_F, mine.data(), mine.size() * 8),
                      SER_OK)
                << ser_errmsg();
        }
        ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
        if (g_rank != 0) continue;
        ASSERT_EQ(f.open(&w, path("fortran", f, "serial").c_str(), SER_WRITE, &o), SER_OK);
        for (const Sharded &s : sharded_entries(g_size)) {
            const std::vector<double> whole = column_major(global_array(s.shape), s.shape);
            ser_array_info info{};
            info.dtype = SER_FLOAT64;
            info.fortran_order = s.shape.size() > 1 ? SER_ORDER_F : SER_ORDER_C;  // as the Fortran binding puts
            info.ndim = int32_t(s.shape.size());
            std::copy(s.shape.begin(), s.shape.end(), info.shape);
            info.itemsize = 8;
            EXPECT_EQ(ser_put_array_ex(w, s.key, &info, whole.data(), whole.size() * 8), SER_OK) << ser_errmsg();
        }
        ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    }
}

// Reads the sharded entries of a file written on `writers` ranks, on every rank of `comm`: each
// rank its own block of another tiling with ser_get_array_slab, and everything with
// ser_get_arrays_bcast.
void expect_reads(const std::string &file, const Format &f, int writers, MPI_Comm comm = MPI_COMM_WORLD) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    ser_handle *h = nullptr;
    ASSERT_EQ(f.open_mpi(&h, comm, file.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    for (const Sharded &s : sharded_entries(writers)) {
        const std::vector<double> whole = global_array(s.shape);
        std::vector<int64_t> off, cnt;
        block_of(s.shape, std::vector<int>(s.shape.size(), 1), 0, off, cnt);
        // Row blocks over the readers, whatever the writers' tiling was.
        std::vector<int> parts(s.shape.size(), 1);
        parts[0] = size;
        block_of(s.shape, parts, rank, off, cnt);
        const std::vector<double> want = cut(whole, s.shape, off, cnt);
        std::vector<double> got(want.size() + 1, -1);
        int32_t outcome = -1;
        EXPECT_EQ(ser_get_array_slab(&outcome, h, s.key, SER_FLOAT64, int32_t(s.shape.size()), off.data(), cnt.data(),
                                     got.data(), got.size() * 8),
                  SER_OK)
            << ser_errmsg();
        got.pop_back();
        EXPECT_EQ(got, want) << s.key;
    }
    std::vector<Sharded> entries = sharded_entries(writers);
    std::vector<std::vector<double>> bufs(entries.size());
    std::vector<ser_get_request> requests(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        bufs[i].assign(global_array(entries[i].shape).size(), 0);
        requests[i] = ser_get_request{entries[i].key, SER_FLOAT64, int32_t(entries[i].shape.size()), entries[i].shape.data(),
                                      bufs[i].data(), bufs[i].size() * 8, -1, -1};
    }
    const int root = size - 1;
    EXPECT_EQ(ser_get_arrays_bcast(h, root, requests.data(), requests.size()), SER_OK) << ser_errmsg();
    for (size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(requests[i].status, SER_OK);
        EXPECT_EQ(requests[i].outcome, SER_LOADED);
        EXPECT_EQ(bufs[i], global_array(entries[i].shape)) << entries[i].key;
    }
    // A key missing on the root: the same error on every rank.
    ser_get_request missing{"no/such", SER_FLOAT64, 0, nullptr, bufs[0].data(), 8, -1, -1};
    EXPECT_EQ(ser_get_arrays_bcast(h, 0, &missing, 1), SER_ENOTFOUND);
    EXPECT_NE(std::string(ser_errmsg()).find("no/such"), std::string::npos) << ser_errmsg();
    int64_t iteration = 0;
    EXPECT_EQ(ser_get_int64(&iteration, nullptr, h, "rank0/iteration"), SER_OK) << ser_errmsg();
    EXPECT_EQ(iteration, 1000);
    ser_close(h);
}

TEST(MpiWrite, WrittenOnFewerRanksReadOnAllByBlocksAndBroadcast) {
    for (int writers = 1; writers <= g_size; ++writers) {
        MPI_Comm sub;
        MPI_Comm_split(MPI_COMM_WORLD, g_rank < writers ? 0 : MPI_UNDEFINED, g_rank, &sub);
        for (const Format &f : kFormats) {
            SCOPED_TRACE(std::string(f.ext) + " written on " + std::to_string(writers));
            const std::string name = "on" + std::to_string(writers);
            if (sub != MPI_COMM_NULL) write_both(name, f, sub);
            MPI_Barrier(MPI_COMM_WORLD);
            expect_reads(path(name, f, "mpi"), f, writers);
        }
        if (sub != MPI_COMM_NULL) MPI_Comm_free(&sub);
    }
}

TEST(MpiWrite, WrittenOnAllRanksReadOnFewer) {
    for (int readers = 1; readers < g_size; ++readers) {
        MPI_Comm sub;
        MPI_Comm_split(MPI_COMM_WORLD, g_rank < readers ? 0 : MPI_UNDEFINED, g_rank, &sub);
        for (const Format &f : kFormats) {
            SCOPED_TRACE(std::string(f.ext) + " read on " + std::to_string(readers));
            write_both("for" + std::to_string(readers), f, MPI_COMM_WORLD);
            if (sub != MPI_COMM_NULL) expect_reads(path("for" + std::to_string(readers), f, "mpi"), f, g_size, sub);
            MPI_Barrier(MPI_COMM_WORLD);
        }
        if (sub != MPI_COMM_NULL) MPI_Comm_free(&sub);
    }
}

// No file of a save is left beside the target once it is over.
int temp_files(const std::string &dir) {
    int n = 0;
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d)) n += std::strstr(e->d_name, ".ser-tmp-") != nullptr;
        closedir(d);
    }
    return n;
}

// While alive, this process's files may not grow past `bytes` (RLIMIT_FSIZE), and a write past
// the limit fails with EFBIG instead of killing it.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &saved_);
        struct rlimit lim = saved_;
        lim.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &lim);
    }
    ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }

private:
    struct rlimit saved_;
};
// Set by a spoiling step, lifted once the save's ser_close has returned.
std::unique_ptr<FileSizeLimit> g_limit;

// Writes an old file, then runs a save that `spoil` makes fail; every rank must get `code`, the
// message must name `rank_named`, and the old file must still hold its old value.
void expect_failed_save(const Format &f, const char *name, int code, const char *words,
                        const std::function<void(ser_handle *)> &spoil) {
    const std::string file = path(name, f, "fault");
    const ser_options o = options(f.compress);
    ser_handle *w = nullptr;
    ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    if (g_rank == 0) EXPECT_EQ(ser_put_int64(w, "old", 1), SER_OK);
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    if (g_rank == 0) EXPECT_EQ(ser_put_int64(w, "old", 2), SER_OK);
    spoil(w);
    const int rc = ser_close(w);
    const std::string message = ser_errmsg();
    g_limit.reset();
    EXPECT_EQ(rc, code) << message;
    EXPECT_NE(message.find(words), std::string::npos) << message;
    MPI_Barrier(MPI_COMM_WORLD);
    ser_handle *r = nullptr;
    ASSERT_EQ(f.open(&r, file.c_str(), SER_READ, nullptr), SER_OK);
    int64_t old = 0;
    EXPECT_EQ(ser_get_int64(&old, nullptr, r, "old"), SER_OK);
    EXPECT_EQ(old, 1) << "the old file must be intact";
    ser_close(r);
    EXPECT_EQ(temp_files(g_dir), 0);
    MPI_Barrier(MPI_COMM_WORLD);
}

TEST(MpiFaults, ABadPutOnOneRankFailsTheSaveOnEveryRank) {
    const int bad = g_size - 1;
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        expect_failed_save(f, "badput", SER_EINVAL, ("rank " + std::to_string(bad)).c_str(), [&](ser_handle *w) {
            if (g_rank != bad) return;
            const int64_t shape[1] = {4};
            const double v[3] = {1, 2, 3};
            EXPECT_EQ(ser_put_array(w, "short", SER_FLOAT64, 1, shape, v, sizeof v), SER_EINVAL);
        });
    }
}

// 1 MiB that does not compress.
std::vector<uint64_t> incompressible() {
    std::vector<uint64_t> v(size_t(1) << 17);
    uint64_t x = 88172645463325252ull;
    for (uint64_t &e : v) x ^= x << 13, x ^= x >> 7, x ^= x << 17, e = x;
    return v;
}

// NPZ here, on every number of ranks; HDF5 in MpiH5Faults below, where MPI-IO must be told to
// let each rank write its own data.
TEST(MpiFaults, AWriteThatFailsOnOneRankFailsTheSaveOnEveryRank) {
    for (const Format &f : kFormats) {
        if (f.ext[0] == 'h') continue;
        SCOPED_TRACE(f.ext);
        // Every rank writes its own entries at close: the last rank's writes fail.
        const int bad = g_size - 1;
        expect_failed_save(f, "fsize", SER_EIO, ("rank " + std::to_string(bad)).c_str(), [&](ser_handle *w) {
            const std::vector<uint64_t> v = incompressible();
            const int64_t shape[1] = {int64_t(v.size())};
            if (g_rank != bad) return;
            g_limit = std::make_unique<FileSizeLimit>(256 << 10);
            ser_put_array(w, "big", SER_UINT64, 1, shape, v.data(), v.size() * 8);
        });
    }
}

// Run by ctest's mpi_h5_file_size_limit on 2, 3 and 4 ranks (CHAINERSER_MPI_H5_FSIZE set, and
// OMPI_MCA_fcoll=individual: with collective buffering the bytes of a collective write are
// written by MPI-IO's aggregator ranks, not necessarily by the rank whose files are limited). The
// last rank may not grow files past 256 KiB: its HDF5 write fails inside a collective H5Dwrite
// while the other ranks' succeed. That must be every rank's SER_EIO naming it, never a hang (the
// test's TIMEOUT turns one into a failure), and the old file stays.
TEST(MpiH5Faults, AWriteThatFailsOnOneRankFailsTheSaveOnEveryRank) {
    if (!getenv("CHAINERSER_MPI_H5_FSIZE")) GTEST_SKIP() << "run by ctest's mpi_h5_file_size_limit";
    if (g_size < 2) GTEST_SKIP() << "needs two ranks";
    const Format &f = kFormats[2];
    ASSERT_EQ(std::string(f.ext), "h5");
    const int bad = g_size - 1;
    const std::string named = "rank " + std::to_string(bad);
    const std::vector<uint64_t> v = incompressible();
    // A rank-local entry, written in ser_close's collective writes.
    expect_failed_save(f, "fsize_local", SER_EIO, named.c_str(), [&](ser_handle *w) {
        const int64_t shape[1] = {int64_t(v.size())};
        if (g_rank != bad) return;
        g_limit = std::make_unique<FileSizeLimit>(256 << 10);
        EXPECT_EQ(ser_put_array(w, "big", SER_UINT64, 1, shape, v.data(), v.size() * 8), SER_OK) << ser_errmsg();
    });
    // A slab: the failure is that of ser_put_array_slab's H5Dwrite step, on every rank; ser_close
    // then repeats it.
    expect_failed_save(f, "fsize_slab", SER_EIO, named.c_str(), [&](ser_handle *w) {
        const int64_t shape[1] = {int64_t(v.size()) * g_size}, off[1] = {int64_t(v.size()) * g_rank},
                      cnt[1] = {int64_t(v.size())};
        if (g_rank == bad) g_limit = std::make_unique<FileSizeLimit>(256 << 10);
        EXPECT_EQ(ser_put_array_slab(w, "big", SER_UINT64, 1, shape, off, cnt, v.data(), v.size() * 8), SER_EIO);
        EXPECT_NE(std::string(ser_errmsg()).find(named), std::string::npos) << ser_errmsg();
    });
}

TEST(MpiFaults, ATilingWithAGapIsAnErrorOnEveryRank) {
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        expect_failed_save(f, "gap", SER_EINVAL, "gap", [&](ser_handle *w) {
            const int64_t shape[1] = {int64_t(g_size) * 2 + 1}, off[1] = {int64_t(g_rank) * 2}, cnt[1] = {2};
            const double v[2] = {1, 2};
            EXPECT_EQ(ser_put_array_slab(w, "gappy", SER_FLOAT64, 1, shape, off, cnt, v, sizeof v), SER_EINVAL);
            EXPECT_NE(std::string(ser_errmsg()).find("gap"), std::string::npos) << ser_errmsg();
        });
    }
}

TEST(MpiFaults, ABadShapeOnOneRankIsAnErrorOnEveryRank) {
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        expect_failed_save(f, "shape", SER_EINVAL, "collective", [&](ser_handle *w) {
            const int64_t shape[1] = {g_rank == g_size - 1 && g_size > 1 ? 99 : int64_t(g_size)}, off[1] = {g_rank}, cnt[1] = {1};
            const double v[1] = {1};
            const int rc = ser_put_array_slab(w, "s", SER_FLOAT64, 1, shape, off, cnt, v, sizeof v);
            if (g_size > 1) EXPECT_EQ(rc, SER_EINVAL) << ser_errmsg();
            // One rank: a shape error of its own.
            if (g_size == 1) {
                const int64_t bad[1] = {-1};
                EXPECT_EQ(ser_put_array_slab(w, "t", SER_FLOAT64, 1, bad, off, cnt, v, sizeof v), SER_EINVAL);
                ser_put_array_slab(w, "u", SER_FLOAT64, 1, shape, off, cnt, v, 3);  // wrong nbytes: collective error
            }
        });
    }
}

// The memory order is a collective argument: one rank's other order fails every rank.
TEST(MpiFaults, AnotherOrderOnOneRankIsAnErrorOnEveryRank) {
    if (g_size < 2) GTEST_SKIP() << "needs two ranks";
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        expect_failed_save(f, "order", SER_EINVAL, "mismatched collective calls", [&](ser_handle *w) {
            const int64_t shape[2] = {g_size, 2}, off[2] = {g_rank, 0}, cnt[2] = {1, 2};
            const double v[2] = {1, 2};
            const int32_t order = g_rank == g_size - 1 ? SER_ORDER_F : SER_ORDER_C;
            EXPECT_EQ(ser_put_array_slab_ex(w, "o", SER_FLOAT64, 2, shape, off, cnt, order, v, sizeof v), SER_EINVAL);
            EXPECT_NE(std::string(ser_errmsg()).find("rank(s) " + std::to_string(g_size - 1)), std::string::npos)
                << ser_errmsg();
        });
    }
}

TEST(MpiFaults, AKeyPutByTwoRanksIsAnErrorOnEveryRankAtClose) {
    if (g_size < 2) GTEST_SKIP() << "needs two ranks";
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        expect_failed_save(f, "twice", SER_EEXISTS, "rank 1", [&](ser_handle *w) {
            if (g_rank <= 1) EXPECT_EQ(ser_put_int64(w, "both", g_rank), SER_OK);
        });
    }
}

TEST(MpiFaults, MismatchedCollectiveCallsAreAnErrorOnEveryRank) {
    if (g_size < 2) GTEST_SKIP() << "needs two ranks";
    for (const Format &f : kFormats) {
        SCOPED_TRACE(f.ext);
        const std::string file = path("mismatch", f, "fault");
        const ser_options o = options(f.compress);
        ser_handle *w = nullptr;
        ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
        const int64_t shape[1] = {g_size}, off[1] = {g_rank}, cnt[1] = {1};
        const double v[1] = {1};
        // Rank 1 closes while the others put a slab.
        if (g_rank == 1) {
            EXPECT_EQ(ser_close(w), SER_EINVAL);
            EXPECT_NE(std::string(ser_errmsg()).find("mismatched collective calls"), std::string::npos) << ser_errmsg();
        } else {
            EXPECT_EQ(ser_put_array_slab(w, "x", SER_FLOAT64, 1, shape, off, cnt, v, 8), SER_EINVAL);
            EXPECT_NE(std::string(ser_errmsg()).find("mismatched collective calls"), std::string::npos) << ser_errmsg();
            EXPECT_EQ(ser_close(w), SER_EINVAL);  // no hang: the handle knows the save failed everywhere
        }
        MPI_Barrier(MPI_COMM_WORLD);
        EXPECT_EQ(access(file.c_str(), F_OK), -1);
        EXPECT_EQ(temp_files(g_dir), 0);
    }
}

// Driven by mpi_kill.py in three runs (CHAINERSER_MPI_KILL = old, kill, next): a save that loses
// a rank to SIGKILL leaves the old file, and the next save leaves no temporary file.
TEST(MpiKill, ASaveThatLosesARankLeavesTheOldFile) {
    const char *phase = getenv("CHAINERSER_MPI_KILL");
    if (!phase) GTEST_SKIP() << "run by mpi_kill.py";
    const Format &f = kFormats[0];
    const std::string file = g_dir + "/killed.npz";
    const std::string p = phase;
    if (p == "next") {
        ser_handle *r = nullptr;
        ASSERT_EQ(ser_npz_open(&r, file.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
        int64_t v = 0;
        EXPECT_EQ(ser_get_int64(&v, nullptr, r, "generation"), SER_OK);
        EXPECT_EQ(v, 1) << "the old file must be intact";
        ser_close(r);
    }
    ser_handle *w = nullptr;
    const ser_options o = options(f.compress);
    ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    if (g_rank == 0) EXPECT_EQ(ser_put_int64(w, "generation", p == "old" ? 1 : 2), SER_OK);
    std::vector<double> data(size_t(1) << 16, double(g_rank));
    const int64_t shape[1] = {int64_t(data.size())};
    EXPECT_EQ(ser_put_array(w, ("rank" + std::to_string(g_rank)).c_str(), SER_FLOAT64, 1, shape, data.data(), data.size() * 8),
              SER_OK);
    if (p == "kill" && g_rank == g_size - 1) raise(SIGKILL);
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    MPI_Barrier(MPI_COMM_WORLD);
    if (p == "next") EXPECT_EQ(temp_files(g_dir), 0) << "the killed save's temporary file is left";
}

TEST(MpiDiscard, DiscardIsCollectiveAndLeavesNothing) {
    for (const Format &f : kFormats) {
        const std::string file = path("discarded", f, "fault");
        ser_handle *w = nullptr;
        const ser_options o = options(f.compress);
        ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
        EXPECT_EQ(ser_put_int64(w, ("k" + std::to_string(g_rank)).c_str(), 1), SER_OK);
        ser_discard(w);
        MPI_Barrier(MPI_COMM_WORLD);
        EXPECT_EQ(access(file.c_str(), F_OK), -1);
        EXPECT_EQ(temp_files(g_dir), 0);
    }
}

// Issue 12: each rank's peak RSS stays within its own data plus 64 MiB. Peak RSS is VmHWM, reset
// before each measurement (clear_refs 5; skipped where that is refused), after malloc_trim, so that
// heap memory freed by earlier tests (still resident) does not hide what a save allocates.
bool reset_peak_rss() {
    malloc_trim(0);
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return false;
    const bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

// A memory figure of /proc/self/status ("VmHWM:", the peak RSS; "VmRSS:", the current one) in bytes.
uint64_t status_bytes(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f))
        if (std::strncmp(line, field, std::strlen(field)) == 0) kb = std::strtoull(line + std::strlen(field), nullptr, 10);
    fclose(f);
    return kb << 10;
}
uint64_t peak_rss_bytes() { return status_bytes("VmHWM:"); }
uint64_t current_rss_bytes() { return status_bytes("VmRSS:"); }

// Element i of rank r's members (mpi_check.py computes the same): a counter hashed, which
// deflate cannot shrink.
uint64_t local_value(uint64_t i, uint64_t r) {
    uint64_t x = (i + 1 + (r << 40)) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

constexpr size_t kLocalMemberBytes = size_t(4) << 20;
constexpr int kLocalMembers = 20;                         // 80 MiB of members per rank
constexpr uint64_t kRssAllowance = uint64_t(64) << 20;    // the bound, above the rank's own data

// Every rank puts 20 rank-local members of 4 MiB (80 MiB, its own data a single 4 MiB buffer put
// under 20 keys) in each format, then every rank reads its own row block of a sharded compressed
// member back. The old design held a rank's members in memory until ser_close (peak growth
// above 80 MiB) and inflated the whole member for a block read. mpi_check.py loads the files
// with NumPy and h5py.
TEST(MpiMemory, RankLocalMembersAndBlockReadsStayWithinTheBound) {
    if (g_size != 2 && g_size != 4) GTEST_SKIP() << "run on 2 and 4 ranks";
    if (!reset_peak_rss() || !peak_rss_bytes()) GTEST_SKIP() << "peak RSS cannot be reset here";
    std::vector<uint64_t> own(kLocalMemberBytes / 8);
    for (size_t i = 0; i < own.size(); ++i) own[i] = local_value(i, uint64_t(g_rank));
    const int64_t shape[1] = {int64_t(own.size())};
    struct Case {
        const char *file;
        const Format &format;
    };
    const Case cases[] = {{"rss_local.npz", kFormats[0]}, {"rss_local.stored.npz", kFormats[1]}, {"rss_local.h5", kFormats[2]}};
    for (const Case &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string file = g_dir + "/" + c.file;
        ser_options o = options(c.format.compress);
        if (c.format.ext[0] == 'h') o.compress = 0;  // gzip of random bytes would only cost time
        MPI_Barrier(MPI_COMM_WORLD);
        ASSERT_TRUE(reset_peak_rss());
        const uint64_t before = current_rss_bytes();
        ser_handle *w = nullptr;
        ASSERT_EQ(c.format.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
        for (int k = 0; k < kLocalMembers; ++k) {
            const std::string key = "r" + std::to_string(g_rank) + "/m" + std::to_string(k);
            ASSERT_EQ(ser_put_array(w, key.c_str(), SER_UINT64, 1, shape, own.data(), kLocalMemberBytes), SER_OK)
                << ser_errmsg();
        }
        ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
        const uint64_t growth = peak_rss_bytes() - before;
        std::printf("[rank %d] %s: %d MiB of rank-local members, peak RSS growth %.1f MiB\n", g_rank, c.file,
                    kLocalMembers * int(kLocalMemberBytes >> 20), double(growth) / (1 << 20));
        EXPECT_LE(growth, kRssAllowance) << "rank " << g_rank << " held its members in memory";
        EXPECT_EQ(temp_files(g_dir), 0);
    }

    // One compressed entry per rank of 16 MiB in each format: in NPZ deflated in pieces on one
    // thread (a piece index with piece CRC-32s), in HDF5 written at close in slabs of whole chunk
    // rows (several collective filtered writes); mpi_check.py compares their values.
    {
        const int64_t side = 2048;
        std::vector<float> v(size_t(side * side));
        for (size_t i = 0; i < v.size(); ++i) v[i] = float((int64_t(i) + g_rank) % 1000) * 0.25f;
        for (const Format &f : {kFormats[0], kFormats[2]}) {
            const std::string file = g_dir + "/rss_local_big." + f.ext;
            const ser_options o = options(1);
            ser_handle *w = nullptr;
            ASSERT_EQ(f.open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
            const int64_t shape2[2] = {side, side};
            ASSERT_EQ(ser_put_array(w, ("r" + std::to_string(g_rank)).c_str(), SER_FLOAT32, 2, shape2, v.data(),
                                    v.size() * 4),
                      SER_OK)
                << ser_errmsg();
            ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
        }
    }

    // A sharded compressed member, 8 MiB per rank (one piece each), read back by block: only this
    // rank's piece is inflated.
    const int64_t rows = 1024 * g_size, cols = 1024;
    std::vector<double> block(size_t(1024 * cols));
    for (size_t i = 0; i < block.size(); ++i) block[i] = value(int64_t(g_rank) * 1024 * cols + int64_t(i));
    const std::string file = g_dir + "/rss_shard.npz";
    const ser_options o = options(1);
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    const int64_t global[2] = {rows, cols}, offset[2] = {1024 * g_rank, 0}, count[2] = {1024, cols};
    ASSERT_EQ(ser_put_array_slab(w, "shard", SER_FLOAT64, 2, global, offset, count, block.data(), block.size() * 8), SER_OK)
        << ser_errmsg();
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    MPI_Barrier(MPI_COMM_WORLD);
    std::vector<double> back(block.size(), -1.0);
    ser_handle *r = nullptr;
    ASSERT_EQ(ser_npz_open(&r, file.c_str(), SER_READ, &o), SER_OK) << ser_errmsg();
    ASSERT_TRUE(reset_peak_rss());
    const uint64_t before = current_rss_bytes();
    ASSERT_EQ(ser_get_array_slab(nullptr, r, "shard", SER_FLOAT64, 2, offset, count, back.data(), back.size() * 8), SER_OK)
        << ser_errmsg();
    const uint64_t growth = peak_rss_bytes() - before;
    ser_close(r);
    std::printf("[rank %d] block read of %lld MiB of a %lld MiB member: peak RSS growth %.1f MiB\n", g_rank,
                (long long)(block.size() * 8 >> 20), (long long)(rows * cols * 8 >> 20), double(growth) / (1 << 20));
    EXPECT_TRUE(back == block);
    // Inflating the whole member (16 MiB or more, on top of the piece buffers) would not pass
    // this; one piece's scratch does (about 1 MiB, plus some MiB of MPI's own under mpirun).
    EXPECT_LT(growth, uint64_t(16) << 20) << "rank " << g_rank << " inflated more than its piece";
}

// The C++ wrapper: save_npz of a replicated Serializable and of per-rank shards, slab put and get.
struct Shard : chainerser::Serializable {
    chainerser::Tensor<float> W{{2, 3}, 0.0f};
    int rank = 0;
    void serialize(chainerser::Serializer &s) override { s["rank" + std::to_string(rank)]("W", W); }
};

TEST(MpiCpp, SaveNpzAndSlabsThroughTheWrapper) {
    const std::string file = g_dir + "/cpp.npz";
    Shard model;
    model.W = chainerser::Tensor<float>({2, 3}, 1.5f);
    chainerser::mpi::save_npz(MPI_COMM_WORLD, file, model);  // rank 0 only: a replicated model
    Shard shard;
    shard.rank = g_rank;
    shard.W = chainerser::Tensor<float>({2, 3}, float(g_rank));
    chainerser::mpi::save_npz(MPI_COMM_WORLD, g_dir + "/shards.npz", shard, chainerser::mpi::Writers::every_rank);

    Shard back;
    chainerser::mpi::load_npz(MPI_COMM_WORLD, file, back);
    EXPECT_EQ(back.W.data, std::vector<float>(6, 1.5f));
    back.rank = g_size - 1;
    chainerser::mpi::load_npz(MPI_COMM_WORLD, g_dir + "/shards.npz", back);
    EXPECT_EQ(back.W.data, std::vector<float>(6, float(g_size - 1)));

    chainerser::Handle w = chainerser::mpi::open_h5(MPI_COMM_WORLD, g_dir + "/cpp.h5", SER_WRITE);
    chainerser::mpi::put_slab<int32_t>(w, "x", {g_size, 2}, {g_rank, 0}, {1, 2}, {g_rank, -g_rank});
    w.close();
    chainerser::Handle r = chainerser::mpi::open_h5(MPI_COMM_WORLD, g_dir + "/cpp.h5", SER_READ);
    EXPECT_EQ(chainerser::mpi::get_slab<int32_t>(r, "x", {0, 1}, {g_size, 1}).back(), -(g_size - 1));
    r.close();
    // A failure on one rank is an exception on every rank.
    chainerser::Handle bad = chainerser::mpi::open_npz(MPI_COMM_WORLD, g_dir + "/cppbad.npz", SER_WRITE);
    EXPECT_THROW(chainerser::mpi::put_slab<int32_t>(bad, "y", {g_size + 1}, {g_rank}, {1}, {1}), chainerser::Error);
    EXPECT_THROW(bad.close(), chainerser::Error);
}

// align_data: every stored member's data, sharded or rank-local, starts on a 64-byte offset of
// the shared file, and the file is still an ordinary NPZ.
TEST(MpiWrite, AlignedStoredMembersStayAlignedAcrossRanks) {
    const std::string file = g_dir + "/aligned.npz";
    ser_options o = options(0);
    o.align_data = 1;
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open_mpi(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    const int64_t odd[1] = {3 + g_rank};
    const double v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(ser_put_array(w, ("local" + std::to_string(g_rank)).c_str(), SER_FLOAT64, 1, odd, v, size_t(odd[0]) * 8), SER_OK);
    for (int k = 0; k < 2; ++k) {
        const int64_t shape[1] = {int64_t(g_size) * 3 + k}, off[1] = {int64_t(g_rank) * 3}, cnt[1] = {3 + (g_rank == g_size - 1 ? k : 0)};
        EXPECT_EQ(ser_put_array_slab(w, ("slab" + std::to_string(k)).c_str(), SER_FLOAT64, 1, shape, off, cnt, v,
                                     size_t(cnt[0]) * 8),
                  SER_OK)
            << ser_errmsg();
    }
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
    ser_handle *r = nullptr;
    ASSERT_EQ(ser_npz_open(&r, file.c_str(), SER_READ, nullptr), SER_OK);
    std::vector<std::string> keys = {"slab0", "slab1"};
    for (int q = 0; q < g_size; ++q) keys.push_back("local" + std::to_string(q));
    for (const std::string &k : keys) {
        const void *p = nullptr;
        ser_array_info info;
        ASSERT_EQ(ser_npz_view(&p, &info, r, k.c_str()), SER_OK) << ser_errmsg();
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << k;
        EXPECT_EQ(static_cast<const double *>(p)[1], 2.0) << k;
    }
    ser_close(r);
}

TEST(MpiArguments, EveryArgumentIsChecked) {
    ser_handle *h = nullptr;
    EXPECT_EQ(ser_npz_open_mpi(&h, MPI_COMM_NULL, "x.npz", SER_WRITE, nullptr), SER_EINVAL);
    EXPECT_EQ(h, nullptr);
    // A NULL path on one rank: every rank fails, naming it.
    const int bad = g_size - 1;
    const std::string file = g_dir + "/args.npz";
    EXPECT_EQ(ser_npz_open_mpi(&h, MPI_COMM_WORLD, g_rank == bad ? nullptr : file.c_str(), SER_WRITE, nullptr), SER_EINVAL);
    EXPECT_NE(std::string(ser_errmsg()).find("rank " + std::to_string(bad) + ": path is NULL"), std::string::npos)
        << ser_errmsg();
    EXPECT_EQ(ser_put_array_slab(nullptr, "k", SER_FLOAT64, 0, nullptr, nullptr, nullptr, nullptr, 0), SER_EINVAL);
    EXPECT_EQ(ser_get_arrays_bcast(nullptr, 0, nullptr, 0), SER_EINVAL);
    ASSERT_EQ(ser_npz_open(&h, file.c_str(), SER_WRITE, nullptr), SER_OK);
    double v = 1;
    EXPECT_EQ(ser_put_array_slab(h, "k", SER_FLOAT64, 0, nullptr, nullptr, nullptr, &v, 8), SER_EINVAL)
        << "a serial handle has no slab puts";
    ser_discard(h);
}

}  // namespace

int main(int argc, char **argv) {
    return run_mpi_gtest(argc, argv, "mpi_tests OUTPUT_DIR", g_dir, g_rank, g_size);
}
