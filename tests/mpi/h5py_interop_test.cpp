// Our side of h5py_interop.py, under mpirun: FromH5py reads the checkpoint h5py's MPI build wrote
// in parallel (ser_h5_open_mpi, a block per rank with ser_get_array_slab, everything with
// ser_get_arrays_bcast, scalars, None); ToH5py writes the same checkpoint in parallel (a slab per
// rank with ser_put_array_slab, rank-local entries on their owner) for h5py to check.
// usage: h5py_interop_tests FILE --gtest_filter=FromH5py.*|ToH5py.*
#include <chainerser/chainerser.h>
#include <chainerser/mpi.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mpi_gtest_main.h"

namespace {

std::string g_file;
int g_rank = 0, g_size = 1;

constexpr int32_t kStr = -1;  // "<str>" of the Python table

// h5py_interop.py's ENTRIES, in the same order and with the same meaning.
struct Entry {
    const char *key;
    int32_t dtype;
    std::vector<int64_t> shape;
    int axis;   // split along this axis, one block per rank; -1: `owner` puts it whole
    int owner;
    double base, step;
};

const std::vector<Entry> kEntries = {
    {"predictor/l1/W", SER_FLOAT32, {13, 7}, 0, 0, -7.0, 0.5},
    {"predictor/l1/b", SER_FLOAT32, {7}, 0, 0, 1.0, 0.25},
    {"predictor/l2/W", SER_FLOAT64, {6, 5, 4}, 2, 0, -3.0, 0.125},
    {"predictor/l2/b", SER_FLOAT64, {9, 8}, 1, 0, 100.0, -1.5},
    {"predictor/bn/avg_mean", SER_FLOAT16, {5}, 0, 0, -7.0, 0.5},
    {"predictor/mask", SER_BOOL, {4, 3}, 0, 0, 0, 0},
    {"predictor/phase", SER_COMPLEX128, {2, 3}, 0, 0, 2.0, 0.5},
    {"predictor/counts", SER_INT32, {3, 4}, -1, 1, -5, 3},
    {"predictor/u16", SER_UINT16, {3, 4}, -1, 0, 0, 1000},
    {"predictor/i8", SER_INT8, {2, 2, 3}, 1, 0, -6, 1},
    {"empty", SER_FLOAT32, {0, 3}, 0, 0, 0.0, 1.0},
    {"predictor/bn/N", SER_INT64, {}, -1, 0, 1000, 0},
    {"optimizer/lr", SER_FLOAT64, {}, -1, 1, 0.125, 0},
    {"optimizer/flag", SER_BOOL, {}, -1, 0, 0, 0},
    {"optimizer/lazy", SER_NONE, {}, -1, 1, 0, 0},
    {"updater/name", kStr, {}, -1, 0, 0, 0},  // ours only: parallel HDF5 writes no str
};
const char *const kString = "r\xc3\xa4ng \xe2\x9c\x93";

bool numeric(const Entry &e) { return e.dtype != SER_NONE && e.dtype != kStr; }

int64_t elements(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// binary16 of a float that it holds exactly (the table's values do).
uint16_t half(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    if ((b & 0x7fffffffu) == 0) return uint16_t(b >> 16);
    const uint32_t sign = b >> 31, exp = (b >> 23) & 0xff, mant = b & 0x7fffff;
    return uint16_t(sign << 15 | (exp - 127 + 15) << 10 | mant >> 13);
}

// Element i of `e` in its dtype's native bytes, appended to `out`.
void append_value(std::vector<unsigned char> &out, const Entry &e, int64_t i) {
    const double v = e.base + e.step * double(i);
    unsigned char bytes[16];
    size_t n = 0;
    auto put = [&](const auto &x) { std::memcpy(bytes, &x, n = sizeof x); };
    switch (e.dtype) {
    case SER_BOOL: put(static_cast<unsigned char>((i + int64_t(e.base)) % 3 == 0)); break;
    case SER_INT8: put(static_cast<int8_t>(v)); break;
    case SER_UINT16: put(static_cast<uint16_t>(v)); break;
    case SER_INT32: put(static_cast<int32_t>(v)); break;
    case SER_INT64: put(static_cast<int64_t>(v)); break;
    case SER_FLOAT16: put(half(float(v))); break;
    case SER_FLOAT32: put(float(v)); break;
    case SER_FLOAT64: put(v); break;
    case SER_COMPLEX128: {
        const double c[2] = {v, i == 0 ? 0.0 : -double(i)};  // +0.0 at i = 0, as Python computes it
        put(c);
        break;
    }
    default: ADD_FAILURE() << "no values for dtype " << e.dtype;
    }
    out.insert(out.end(), bytes, bytes + n);
}

// The block [offset, offset + count) of `e` in C order, as bytes.
std::vector<unsigned char> block_bytes(const Entry &e, const std::vector<int64_t> &offset, const std::vector<int64_t> &count) {
    std::vector<unsigned char> out;
    const int64_t n = elements(count);
    std::vector<int64_t> idx(count.size(), 0);
    for (int64_t k = 0; k < n; ++k) {
        int64_t flat = 0;
        for (size_t a = 0; a < e.shape.size(); ++a) flat = flat * e.shape[a] + offset[a] + idx[a];
        append_value(out, e, flat);
        for (size_t a = count.size(); a-- > 0;) {
            if (++idx[a] < count[a]) break;
            idx[a] = 0;
        }
    }
    return out;
}

std::vector<unsigned char> whole(const Entry &e) { return block_bytes(e, std::vector<int64_t>(e.shape.size(), 0), e.shape); }

// This rank's block of `e` split along `axis` over `ranks` ranks.
void block_of(const Entry &e, int axis, int rank, int ranks, std::vector<int64_t> &offset, std::vector<int64_t> &count) {
    offset.assign(e.shape.size(), 0);
    count = e.shape;
    const int64_t n = e.shape[size_t(axis)];
    offset[size_t(axis)] = n * rank / ranks;
    count[size_t(axis)] = n * (rank + 1) / ranks - offset[size_t(axis)];
}

std::string group_of(const std::string &key) { return key.substr(0, key.rfind('/')); }
std::string name_of(const std::string &key) { return key.substr(key.rfind('/') + 1); }

TEST(FromH5py, EveryRankReadsBlocksBroadcastsAndScalars) {
    ser_handle *h = nullptr;
    ASSERT_EQ(ser_h5_open_mpi(&h, MPI_COMM_WORLD, g_file.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();

    // The keys: every entry h5py wrote (it writes no str in parallel); groups give no keys.
    std::set<std::string> want, have;
    for (const Entry &e : kEntries)
        if (e.dtype != kStr) want.insert(e.key);
    size_t n = 0;
    ASSERT_EQ(ser_key_count(&n, h), SER_OK) << ser_errmsg();
    for (size_t i = 0; i < n; ++i) {
        const char *k = nullptr;
        ASSERT_EQ(ser_key_at(&k, h, i), SER_OK) << ser_errmsg();
        have.insert(k);
    }
    EXPECT_EQ(have, want);

    for (const Entry &e : kEntries) {
        if (e.dtype == kStr) continue;
        SCOPED_TRACE(e.key);
        ser_array_info info;
        ASSERT_EQ(ser_get_info(&info, h, e.key), SER_OK) << ser_errmsg();
        EXPECT_EQ(info.dtype, e.dtype);
        ASSERT_EQ(info.ndim, int32_t(e.shape.size()));
        for (size_t a = 0; a < e.shape.size(); ++a) EXPECT_EQ(info.shape[a], e.shape[a]);
        if (!numeric(e) || e.shape.empty()) continue;
        // Row blocks over the readers, whatever the writers' split was.
        std::vector<int64_t> offset, count;
        block_of(e, 0, g_rank, g_size, offset, count);
        const std::vector<unsigned char> want_block = block_bytes(e, offset, count);
        std::vector<unsigned char> got(want_block.size() + 1, 0xee);
        int32_t outcome = -1;
        EXPECT_EQ(ser_get_array_slab(&outcome, h, e.key, e.dtype, int32_t(e.shape.size()), offset.data(), count.data(),
                                     got.data(), want_block.size()),
                  SER_OK)
            << ser_errmsg();
        EXPECT_EQ(outcome, SER_LOADED);
        got.pop_back();
        EXPECT_EQ(got, want_block);
    }

    // Every numeric entry and None at once, read on the last rank and broadcast.
    std::vector<ser_get_request> requests;
    std::vector<std::vector<unsigned char>> bufs;
    std::vector<const Entry *> asked;
    for (const Entry &e : kEntries) {
        if (e.dtype == kStr) continue;
        const bool none = e.dtype == SER_NONE;
        bufs.push_back(std::vector<unsigned char>(none ? 4 : whole(e).size() + 1, 0xee));
        asked.push_back(&e);
    }
    for (size_t i = 0; i < asked.size(); ++i) {
        const Entry &e = *asked[i];
        const bool none = e.dtype == SER_NONE;
        requests.push_back(ser_get_request{e.key, none ? SER_FLOAT32 : e.dtype, int32_t(e.shape.size()), e.shape.data(),
                                           bufs[i].data(), bufs[i].size(), -1, -1});
    }
    ASSERT_EQ(ser_get_arrays_bcast(h, g_size - 1, requests.data(), requests.size()), SER_OK) << ser_errmsg();
    for (size_t i = 0; i < asked.size(); ++i) {
        const Entry &e = *asked[i];
        SCOPED_TRACE(e.key);
        EXPECT_EQ(requests[i].status, SER_OK);
        if (e.dtype == SER_NONE) {
            EXPECT_EQ(requests[i].outcome, SER_WAS_NONE);
            EXPECT_EQ(bufs[i], std::vector<unsigned char>(4, 0xee)) << "None leaves the buffer untouched";
            continue;
        }
        EXPECT_EQ(requests[i].outcome, SER_LOADED);
        bufs[i].pop_back();
        EXPECT_EQ(bufs[i], whole(e));
    }

    int64_t iterations = 0;
    double lr = 0;
    int flag = 0;
    int32_t outcome = -1;
    EXPECT_EQ(ser_get_int64(&iterations, nullptr, h, "predictor/bn/N"), SER_OK) << ser_errmsg();
    EXPECT_EQ(iterations, 1000);
    EXPECT_EQ(ser_get_float64(&lr, nullptr, h, "optimizer/lr"), SER_OK) << ser_errmsg();
    EXPECT_EQ(lr, 0.125);
    EXPECT_EQ(ser_get_bool(&flag, nullptr, h, "optimizer/flag"), SER_OK) << ser_errmsg();
    EXPECT_EQ(flag, 1);
    EXPECT_EQ(ser_get_float64(&lr, &outcome, h, "optimizer/lazy"), SER_OK) << ser_errmsg();
    EXPECT_EQ(outcome, SER_WAS_NONE);
    // A child handle of the MPI reader, as Chainer's deserializer['predictor']['l1'] is.
    ser_handle *l1 = nullptr;
    ASSERT_EQ(ser_child(&l1, h, "predictor/l1"), SER_OK) << ser_errmsg();
    std::vector<float> b(7);
    const int64_t shape[1] = {7};
    EXPECT_EQ(ser_get_array(nullptr, l1, "b", SER_FLOAT32, 1, shape, b.data(), b.size() * 4), SER_OK) << ser_errmsg();
    EXPECT_EQ(b.back(), 2.5f);
    ser_close(l1);
    EXPECT_EQ(ser_close(h), SER_OK);
}

TEST(ToH5py, EveryRankWritesItsSlabsAndOwnEntries) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = 1;  // gzip 4, Chainer's save_hdf5 default
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_h5_open_mpi(&w, MPI_COMM_WORLD, g_file.c_str(), SER_WRITE, &o), SER_OK) << ser_errmsg();
    // Chainer's serializer['predictor']['l1'] ...: a child handle per group, on every rank.
    std::map<std::string, ser_handle *> children;
    for (const Entry &e : kEntries) {
        const std::string g = group_of(e.key);
        if (e.key == g || children.count(g)) continue;
        ser_handle *c = nullptr;
        ASSERT_EQ(ser_child(&c, w, g.c_str()), SER_OK) << ser_errmsg();
        children[g] = c;
    }
    children[""] = w;
    for (const Entry &e : kEntries) {
        SCOPED_TRACE(e.key);
        const std::string k = e.key;
        ser_handle *c = k.find('/') == std::string::npos ? w : children[group_of(k)];
        const std::string name = k.find('/') == std::string::npos ? k : name_of(k);
        const int32_t ndim = int32_t(e.shape.size());
        if (e.axis >= 0) {
            std::vector<int64_t> offset, count;
            block_of(e, e.axis, g_rank, g_size, offset, count);
            const std::vector<unsigned char> mine = block_bytes(e, offset, count);
            EXPECT_EQ(ser_put_array_slab(c, name.c_str(), e.dtype, ndim, e.shape.data(), offset.data(), count.data(),
                                         mine.empty() ? nullptr : mine.data(), mine.size()),
                      SER_OK)
                << ser_errmsg();
            continue;
        }
        if (g_rank != e.owner % g_size) continue;
        if (e.dtype == SER_NONE) {
            EXPECT_EQ(ser_put_none(c, name.c_str()), SER_OK) << ser_errmsg();
        } else if (e.dtype == kStr) {
            EXPECT_EQ(ser_put_string(c, name.c_str(), kString), SER_OK) << ser_errmsg();
        } else if (e.dtype == SER_INT64 && !ndim) {
            EXPECT_EQ(ser_put_int64(c, name.c_str(), int64_t(e.base)), SER_OK) << ser_errmsg();
        } else if (e.dtype == SER_FLOAT64 && !ndim) {
            EXPECT_EQ(ser_put_float64(c, name.c_str(), e.base), SER_OK) << ser_errmsg();
        } else if (e.dtype == SER_BOOL && !ndim) {
            EXPECT_EQ(ser_put_bool(c, name.c_str(), int64_t(e.base) % 3 == 0), SER_OK) << ser_errmsg();
        } else {
            const std::vector<unsigned char> v = whole(e);
            EXPECT_EQ(ser_put_array(c, name.c_str(), e.dtype, ndim, e.shape.data(), v.data(), v.size()), SER_OK)
                << ser_errmsg();
        }
    }
    for (auto &[g, c] : children)
        if (c != w) EXPECT_EQ(ser_close(c), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();
}

}  // namespace

int main(int argc, char **argv) {
    return run_mpi_gtest(argc, argv, "h5py_interop_tests FILE [gtest options]", g_file, g_rank, g_size);
}
