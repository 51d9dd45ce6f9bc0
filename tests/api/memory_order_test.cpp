// Reading into column-major buffers (ser_get_array_ex, ser_get_array_slab_ex, ser_get_arrays_ex)
// and writing them (ser_put_array_ex with SER_ORDER_F), from and to NPZ and HDF5, checked against
// an element-by-element transposition computed here and against the real NumPy and h5py.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;
using Shape = std::vector<int64_t>;

// The lists and the formula of tests/python/memory_order.py.
const int32_t kDtypes[] = {SER_BOOL,    SER_INT8,    SER_UINT16,    SER_INT32,     SER_INT64,
                           SER_FLOAT32, SER_FLOAT64, SER_COMPLEX64, SER_COMPLEX128};
const Shape kShapes[] = {{5}, {3, 4}, {2, 3, 5}, {2, 3, 1, 4}, {70, 130}};

template <class T>
void append(std::string &out, T v) {
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

// Element k (in C order) of the logical array.
void append_element(std::string &out, int32_t dtype, uint64_t k) {
    const int64_t v = int64_t((k * 7 + 3) % 100);
    switch (dtype) {
        case SER_BOOL: append<uint8_t>(out, k % 3 == 0); break;
        case SER_INT8: append<int8_t>(out, int8_t(v)); break;
        case SER_UINT16: append<uint16_t>(out, uint16_t(v)); break;
        case SER_INT32: append<int32_t>(out, int32_t(v)); break;
        case SER_INT64: append<int64_t>(out, v); break;
        case SER_FLOAT32: append<float>(out, float(v)); break;
        case SER_FLOAT64: append<double>(out, double(v)); break;
        case SER_COMPLEX64: append<float>(out, float(v)), append<float>(out, float(-v)); break;
        case SER_COMPLEX128: append<double>(out, double(v)), append<double>(out, double(-v)); break;
        default: ADD_FAILURE() << "no formula for dtype " << dtype;
    }
}

uint64_t count_of(const Shape &shape) {
    uint64_t n = 1;
    for (int64_t d : shape) n *= uint64_t(d);
    return n;
}

std::string c_order(int32_t dtype, const Shape &shape) {
    std::string out;
    for (uint64_t k = 0; k < count_of(shape); ++k) append_element(out, dtype, k);
    return out;
}

// Calls visit(c, f) for every element: its offset in C order and in Fortran order.
template <class Visit>
void for_each_index(const Shape &shape, Visit visit) {
    Shape idx(shape.size(), 0);
    for (uint64_t c = 0; c < count_of(shape); ++c) {
        uint64_t f = 0, stride = 1;
        for (size_t a = 0; a < shape.size(); ++a) f += uint64_t(idx[a]) * stride, stride *= uint64_t(shape[a]);
        visit(c, f);
        for (size_t a = shape.size(); a-- > 0;)
            if (++idx[a] < shape[a]) break;
            else idx[a] = 0;
    }
}

// The same elements column-major, moved one by one.
std::string fortran_order(const std::string &c_bytes, const Shape &shape, size_t itemsize) {
    std::string out(c_bytes.size(), '\0');
    for_each_index(shape, [&](uint64_t c, uint64_t f) { std::memcpy(&out[f * itemsize], &c_bytes[c * itemsize], itemsize); });
    return out;
}

std::string key_of(int32_t dtype, const Shape &shape) {
    std::string k = ser_dtype_name(dtype);
    for (size_t a = 0; a < shape.size(); ++a) k += (a ? "x" : "/") + std::to_string(shape[a]);
    return k;
}

ser_array_info info_of(int32_t dtype, const Shape &shape, int32_t order) {
    ser_array_info info{};
    info.dtype = dtype;
    info.byteorder = SER_LITTLE;
    info.fortran_order = order;
    info.ndim = int32_t(shape.size());
    for (size_t a = 0; a < shape.size(); ++a) info.shape[a] = shape[a];
    return info;
}

enum class Container { NpzStored, NpzDeflated, Hdf5 };

Handle open_file(const std::string &path, Container c, int32_t mode) {
    ser_options opts = SER_OPTIONS_INIT;
    opts.compress = c == Container::NpzDeflated;
    opts.cast = SER_CAST_SAFE;
    ser_handle *h = nullptr;
    const int rc = c == Container::Hdf5 ? ser_h5_open(&h, path.c_str(), mode, &opts)
                                        : ser_npz_open(&h, path.c_str(), mode, &opts);
    EXPECT_EQ(rc, SER_OK) << errmsg();
    return Handle(h);
}

// Writes every dtype and shape twice: c/KEY from C-order bytes, f/KEY from Fortran-order bytes.
void write_both_orders(const std::string &path, Container c) {
    Handle w = open_file(path, c, SER_WRITE);
    ASSERT_TRUE(w);
    for (int32_t dtype : kDtypes)
        for (const Shape &shape : kShapes) {
            const std::string cb = c_order(dtype, shape), fb = fortran_order(cb, shape, ser_dtype_size(dtype));
            const ser_array_info ci = info_of(dtype, shape, SER_ORDER_C), fi = info_of(dtype, shape, SER_ORDER_F);
            ASSERT_EQ(ser_put_array_ex(w.get(), ("c/" + key_of(dtype, shape)).c_str(), &ci, cb.data(), cb.size()), SER_OK)
                << errmsg();
            ASSERT_EQ(ser_put_array_ex(w.get(), ("f/" + key_of(dtype, shape)).c_str(), &fi, fb.data(), fb.size()), SER_OK)
                << errmsg();
        }
    ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
}

// Both stored orders of every array read in both buffer orders.
void expect_both_orders_read(ser_handle *h) {
    for (int32_t dtype : kDtypes)
        for (const Shape &shape : kShapes) {
            const std::string cb = c_order(dtype, shape), fb = fortran_order(cb, shape, ser_dtype_size(dtype));
            for (const char *stored : {"c/", "f/"}) {
                const std::string key = stored + key_of(dtype, shape);
                SCOPED_TRACE(key);
                for (int32_t order : {SER_ORDER_C, SER_ORDER_F}) {
                    std::string buf(cb.size(), '\x5a');
                    int32_t outcome = -1;
                    ASSERT_EQ(ser_get_array_ex(&outcome, h, key.c_str(), dtype, int32_t(shape.size()), shape.data(), order,
                                               &buf[0], buf.size()),
                              SER_OK)
                        << errmsg();
                    EXPECT_EQ(outcome, SER_LOADED);
                    EXPECT_TRUE(buf == (order == SER_ORDER_F ? fb : cb)) << "order " << order;
                }
            }
        }
}

TEST(MemoryOrder, GetExFillsEitherOrderFromEitherStoredOrder) {
    const std::string dir = scratch_dir();
    for (Container c : {Container::NpzStored, Container::NpzDeflated, Container::Hdf5}) {
        SCOPED_TRACE(int(c));
        const std::string path = dir + "/both" + std::to_string(int(c));
        write_both_orders(path, c);
        Handle r = open_file(path, c, SER_READ);
        ASSERT_TRUE(r);
        ser_array_info info{};
        ASSERT_EQ(ser_get_info(&info, r.get(), "f/float32/3x4"), SER_OK);
        EXPECT_EQ(info.fortran_order, c == Container::Hdf5 ? SER_ORDER_C : SER_ORDER_F);
        expect_both_orders_read(r.get());
    }
}

TEST(MemoryOrder, GetExReadsWhatNumpyWrote) {
    const std::string dir = scratch_dir();
    python_ok("memory_order.py", {"write", dir + "/stored.npz", dir + "/deflated.npz"});
    for (const char *name : {"/stored.npz", "/deflated.npz"}) {
        SCOPED_TRACE(name);
        Handle r = open_npz(dir + name, SER_READ);
        ASSERT_TRUE(r);
        ser_array_info info{};
        ASSERT_EQ(ser_get_info(&info, r.get(), "f/int64/2x3x1x4"), SER_OK);
        EXPECT_EQ(info.fortran_order, SER_ORDER_F);
        expect_both_orders_read(r.get());
    }
}

TEST(MemoryOrder, PutExFortranIsWhatNumpyAndH5pyRead) {
    const std::string dir = scratch_dir();
    const size_t arrays = std::size(kDtypes) * std::size(kShapes);
    for (Container c : {Container::NpzStored, Container::NpzDeflated, Container::Hdf5}) {
        const std::string path = dir + "/fortran" + std::to_string(int(c)) + (c == Container::Hdf5 ? ".h5" : ".npz");
        {
            Handle w = open_file(path, c, SER_WRITE);
            ASSERT_TRUE(w);
            for (int32_t dtype : kDtypes)
                for (const Shape &shape : kShapes) {
                    const std::string fb = fortran_order(c_order(dtype, shape), shape, ser_dtype_size(dtype));
                    const ser_array_info fi = info_of(dtype, shape, SER_ORDER_F);
                    ASSERT_EQ(ser_put_array_ex(w.get(), key_of(dtype, shape).c_str(), &fi, fb.data(), fb.size()), SER_OK)
                        << errmsg();
                }
            ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
        }
        const std::string out = python_ok("memory_order.py", {c == Container::Hdf5 ? "check-h5" : "check-npz", path});
        EXPECT_EQ(out, std::to_string(arrays) + "\n");
    }
}

// HDF5 keeps C order only, and marks what came Fortran-ordered (chainerser_fortran_order): a copy
// from it, through another HDF5 file, to NPZ stores each array in the order NumPy would have.
TEST(MemoryOrder, CopyFromHdf5StoresFortranOrderedArraysFortranOrderedAgain) {
    const std::string dir = scratch_dir();
    const std::string h5 = dir + "/orders.h5", h5_copy = dir + "/copy.h5", npz = dir + "/copy.npz";
    write_both_orders(h5, Container::Hdf5);
    for (const auto &[from, to, c] :
         {std::tuple{h5, h5_copy, Container::Hdf5}, std::tuple{h5_copy, npz, Container::NpzStored}}) {
        Handle r = open_file(from, Container::Hdf5, SER_READ), w = open_file(to, c, SER_WRITE);
        ASSERT_TRUE(r && w);
        ASSERT_EQ(ser_copy_all(w.get(), r.get()), SER_OK) << errmsg();
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    }
    Handle r = open_file(npz, Container::NpzStored, SER_READ);
    ASSERT_TRUE(r);
    for (int32_t dtype : kDtypes)
        for (const Shape &shape : kShapes)
            for (const char *stored : {"c/", "f/"}) {
                const std::string key = stored + key_of(dtype, shape);
                ser_array_info info{};
                ASSERT_EQ(ser_get_info(&info, r.get(), key.c_str()), SER_OK) << errmsg();
                // NumPy's rule: fortran_order True only with more than one extent above 1, as every
                // shape here of rank > 1 has.
                const bool fortran = stored[0] == 'f' && shape.size() > 1;
                EXPECT_EQ(info.fortran_order, fortran ? SER_ORDER_F : SER_ORDER_C) << key;
            }
    expect_both_orders_read(r.get());
}

// The block [offset, offset + count) of the logical array, in the given order, element by element.
std::string block_of(int32_t dtype, const Shape &shape, const Shape &offset, const Shape &count, bool fortran) {
    const size_t itemsize = ser_dtype_size(dtype);
    const std::string whole = c_order(dtype, shape);
    std::string block;
    Shape idx(count.size(), 0);
    for (uint64_t n = 0; n < count_of(count); ++n) {
        uint64_t at = 0;
        for (size_t a = 0; a < shape.size(); ++a) at = at * uint64_t(shape[a]) + uint64_t(offset[a] + idx[a]);
        block.append(whole, at * itemsize, itemsize);
        for (size_t a = count.size(); a-- > 0;)
            if (++idx[a] < count[a]) break;
            else idx[a] = 0;
    }
    return fortran ? fortran_order(block, count, itemsize) : block;
}

TEST(MemoryOrder, SlabAndBatchFillColumnMajor) {
    const std::string dir = scratch_dir();
    for (Container c : {Container::NpzStored, Container::NpzDeflated, Container::Hdf5}) {
        SCOPED_TRACE(int(c));
        const std::string path = dir + "/slab" + std::to_string(int(c));
        write_both_orders(path, c);
        Handle r = open_file(path, c, SER_READ);
        ASSERT_TRUE(r);
        const Shape shape{2, 3, 5}, offset{0, 1, 2}, count{2, 2, 3};
        for (const char *stored : {"c/", "f/"})
            for (int32_t order : {SER_ORDER_C, SER_ORDER_F}) {
                const std::string key = stored + key_of(SER_FLOAT64, shape);
                std::string buf(count_of(count) * 8, '\0');
                ASSERT_EQ(ser_get_array_slab_ex(nullptr, r.get(), key.c_str(), SER_FLOAT64, 3, offset.data(), count.data(),
                                                order, &buf[0], buf.size()),
                          SER_OK)
                    << errmsg();
                EXPECT_TRUE(buf == block_of(SER_FLOAT64, shape, offset, count, order == SER_ORDER_F)) << key << " " << order;
            }

        // A batch: every shape of one dtype, stored both ways, read column-major (and int32
        // widened to int64 under the safe cast on the way).
        std::vector<std::string> keys, bufs;
        for (const char *stored : {"c/", "f/"})
            for (const Shape &s : kShapes) keys.push_back(stored + key_of(SER_INT32, s)), bufs.emplace_back(count_of(s) * 8, '\0');
        std::vector<ser_get_request> requests(keys.size());
        for (size_t i = 0; i < keys.size(); ++i) {
            const Shape &s = kShapes[i % std::size(kShapes)];
            requests[i] = ser_get_request{keys[i].c_str(), SER_INT64, int32_t(s.size()), s.data(), &bufs[i][0], bufs[i].size(), -1, -1};
        }
        ASSERT_EQ(ser_get_arrays_ex(r.get(), requests.data(), requests.size(), SER_ORDER_F), SER_OK) << errmsg();
        for (size_t i = 0; i < keys.size(); ++i) {
            const Shape &s = kShapes[i % std::size(kShapes)];
            EXPECT_EQ(requests[i].status, SER_OK) << keys[i];
            EXPECT_EQ(requests[i].outcome, SER_LOADED) << keys[i];
            EXPECT_TRUE(bufs[i] == fortran_order(c_order(SER_INT64, s), s, 8)) << keys[i];
        }
    }
}

TEST(MemoryOrder, BadArgumentsAreRefusedWithTheirMessage) {
    const std::string dir = scratch_dir();
    const std::string path = dir + "/bad.npz";
    write_both_orders(path, Container::NpzStored);
    Handle r = open_npz(path, SER_READ);
    ASSERT_TRUE(r);
    ser_handle *h = r.get();
    const Shape shape{3, 4}, wrong{4, 3};
    float buf[12] = {};
    const char *key = "f/float32/3x4";

    for (int32_t order : {2, -1, 70}) {
        EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 2, shape.data(), order, buf, sizeof buf), SER_EINVAL);
        EXPECT_EQ(errmsg(), "order must be SER_ORDER_C (0) or SER_ORDER_F (1), not " + std::to_string(order));
    }
    EXPECT_EQ(ser_get_array_ex(nullptr, nullptr, key, SER_FLOAT32, 2, shape.data(), SER_ORDER_F, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "handle is NULL");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, nullptr, SER_FLOAT32, 2, shape.data(), SER_ORDER_F, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "key is NULL");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 2, nullptr, SER_ORDER_F, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "shape is NULL");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 33, shape.data(), SER_ORDER_F, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "ndim must be in 0-32");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 2, shape.data(), SER_ORDER_F, nullptr, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), path + ": key 'f/float32/3x4': buffer is NULL");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 2, shape.data(), SER_ORDER_F, buf, sizeof buf - 1), SER_EBUFSIZE);
    EXPECT_EQ(errmsg(), path + ": key 'f/float32/3x4': buffer of 47 bytes, 48 needed");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_FLOAT32, 2, wrong.data(), SER_ORDER_F, buf, sizeof buf), SER_EMISMATCH);
    EXPECT_EQ(errmsg(), path + ": key 'f/float32/3x4': shape (3, 4) in file, (4, 3) requested");
    EXPECT_EQ(ser_get_array_ex(nullptr, h, key, SER_INT8, 2, shape.data(), SER_ORDER_F, buf, sizeof buf), SER_EMISMATCH);
    for (float v : buf) EXPECT_EQ(v, 0.0f) << "a refused read leaves the buffer alone";

    const Shape offset{0, 0};
    EXPECT_EQ(ser_get_array_slab_ex(nullptr, h, key, SER_FLOAT32, 2, offset.data(), shape.data(), 5, buf, sizeof buf),
              SER_EINVAL);
    EXPECT_EQ(errmsg(), "order must be SER_ORDER_C (0) or SER_ORDER_F (1), not 5");
    EXPECT_EQ(ser_get_array_slab_ex(nullptr, h, key, SER_FLOAT32, 2, nullptr, shape.data(), SER_ORDER_F, buf, sizeof buf),
              SER_EINVAL);
    EXPECT_EQ(errmsg(), "offset is NULL");

    ser_get_request q{key, SER_FLOAT32, 2, shape.data(), buf, sizeof buf, 12345, 678};
    EXPECT_EQ(ser_get_arrays_ex(h, &q, 1, 3), SER_EINVAL);
    EXPECT_EQ(errmsg(), "order must be SER_ORDER_C (0) or SER_ORDER_F (1), not 3");
    EXPECT_EQ(q.status, 12345);
    EXPECT_EQ(q.outcome, 678);
    EXPECT_EQ(ser_get_arrays_ex(h, nullptr, 1, SER_ORDER_F), SER_EINVAL);
    EXPECT_EQ(errmsg(), "requests is NULL");
    q.shape = wrong.data();
    EXPECT_EQ(ser_get_arrays_ex(h, &q, 1, SER_ORDER_F), SER_EMISMATCH);
    EXPECT_EQ(q.status, SER_EMISMATCH);

    Handle w = open_npz(dir + "/w.npz", SER_WRITE);
    ASSERT_TRUE(w);
    EXPECT_EQ(ser_get_array_ex(nullptr, w.get(), key, SER_FLOAT32, 2, shape.data(), SER_ORDER_F, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "handle is open for writing, not reading");
    EXPECT_EQ(ser_put_array_ex(w.get(), "x", nullptr, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(errmsg(), "info is NULL");
    const ser_array_info fi = info_of(SER_FLOAT32, shape, SER_ORDER_F);
    EXPECT_EQ(ser_put_array_ex(w.get(), "x", &fi, buf, sizeof buf - 4), SER_EINVAL);
    EXPECT_EQ(errmsg(), dir + "/w.npz: key 'x': data has 44 bytes, dtype <f4 and shape (3, 4) need 48");
}

}  // namespace
