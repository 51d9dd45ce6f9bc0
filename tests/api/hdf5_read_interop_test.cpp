// Files h5py writes (filters, layouts, byte orders, strings, enums, compounds), read by us and
// compared with h5py's own reading; hyperslabs against NumPy slicing.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>

#include <algorithm>
#include <map>
#include <random>

#include "api/hdf5_helpers.h"

namespace {

std::string make_h5py_file(const std::string &kind) {
    const std::string path = testsupport::scratch_dir() + "/" + kind + ".h5";
    h5test::python_output("h5_make.py", {kind, path});
    return path;
}

TEST(Hdf5ReadInterop, EveryDatasetH5pyWroteReadsAsH5pyReadsIt) {
    const std::string path = make_h5py_file("variations");
    std::map<std::string, h5test::H5pyEntry> dump = h5test::h5py_dump(path);
    ASSERT_GE(dump.size(), 25u);
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    std::vector<std::string> keys = h5test::keys_of(h);
    std::vector<std::string> expected_keys;
    for (const auto &kv : dump) expected_keys.push_back(kv.first);
    EXPECT_EQ(keys, expected_keys);  // datasets only: the empty group contributes no key
    for (const auto &kv : dump) {
        SCOPED_TRACE(kv.first);
        h5test::OurEntry ours = h5test::read_entry(h, kv.first);
        const bool none = kv.second.shape == "none";
        EXPECT_EQ(ours.dtype, none ? "none" : kv.second.dtype);
        EXPECT_EQ(ours.shape, kv.second.shape);
        EXPECT_EQ(ours.sha256, kv.second.sha256);
    }
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, h, "strings/vlen_array"), SER_OK);
    EXPECT_EQ(info.dtype, SER_UNICODE);
    EXPECT_EQ(info.itemsize, 16u);  // 4 * the most code points ('日本語😀')
    ASSERT_EQ(ser_get_info(&info, h, "endian/i2"), SER_OK);
    EXPECT_EQ(info.byteorder, SER_BIG);

    size_t size = 0;
    char text[64];
    ASSERT_EQ(ser_get_string(&size, nullptr, h, "strings/vlen_scalar", text, sizeof text), SER_OK) << ser_errmsg();
    EXPECT_STREQ(text, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93");
    ASSERT_EQ(ser_get_string(&size, nullptr, h, "strings/fixed_scalar", text, sizeof text), SER_OK) << ser_errmsg();
    EXPECT_STREQ(text, "hello");
    int b = 0;
    ASSERT_EQ(ser_get_bool(&b, nullptr, h, "types/bool_scalar"), SER_OK) << ser_errmsg();
    EXPECT_EQ(b, 1);
    int32_t outcome = -1;
    float target[3] = {7, 8, 9};
    const int64_t shape3[1] = {3};
    ASSERT_EQ(ser_get_array(&outcome, h, "none/i8", SER_FLOAT32, 1, shape3, target, sizeof target), SER_OK);
    EXPECT_EQ(outcome, SER_WAS_NONE);
    EXPECT_EQ(target[0], 7);
    EXPECT_EQ(ser_close(h), SER_OK);
}

TEST(Hdf5ReadInterop, LzfDatasetGivesAClearUnsupportedError) {
    const std::string path = make_h5py_file("lzf");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, h, "packed/lzf"), SER_OK) << ser_errmsg();  // describing needs no decoding
    std::vector<float> buf(100);
    const int64_t shape[1] = {100};
    EXPECT_EQ(ser_get_array(nullptr, h, "packed/lzf", SER_FLOAT32, 1, shape, buf.data(), 400), SER_EUNSUPPORTED);
    const std::string msg = ser_errmsg();
    EXPECT_NE(msg.find("'lzf'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("32000"), std::string::npos) << msg;
    EXPECT_NE(msg.find("packed/lzf"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_EQ(h5test::read_entry(h, "plain").sha256, h5test::h5py_dump(path)["plain"].sha256);
    ser_close(h);
}

TEST(Hdf5ReadInterop, UnsupportedTypesAreClearErrors) {
    const std::string path = make_h5py_file("unsupported");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    const std::pair<const char *, const char *> cases[] = {{"compound", "compound"},
                                                           {"vlen_ints", "variable-length sequence"},
                                                           {"array_type", "array"},
                                                           {"long_double", "16-byte float"}};
    for (const auto &c : cases) {
        ser_array_info info;
        EXPECT_EQ(ser_get_info(&info, h, c.first), SER_EUNSUPPORTED) << c.first;
        const std::string msg = ser_errmsg();
        EXPECT_NE(msg.find(path + ": key '" + c.first + "'"), std::string::npos) << msg;
        EXPECT_NE(msg.find(c.second), std::string::npos) << msg;
    }
    int32_t v[3];
    const int64_t shape[1] = {3};
    EXPECT_EQ(ser_get_array(nullptr, h, "plain", SER_INT32, 1, shape, v, sizeof v), SER_OK) << ser_errmsg();
    EXPECT_EQ(v[2], 2);
    ser_close(h);
}

struct Slab {
    std::string key;
    std::vector<int64_t> offset, count;
    int32_t dtype;        // what we ask for
    std::string np_cast;  // numpy dtype to cast the block to, "" for none
};

std::string csv(const std::vector<int64_t> &v) {
    std::string s;
    for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
    return s;
}

std::string slab_name(const Slab &s) { return s.key + " at " + csv(s.offset) + " count " + csv(s.count); }

// The sha256 of each block as h5py reads it and NumPy slices (and casts) it: one Python run for all.
std::vector<std::string> h5py_block_hashes(const std::string &path, const std::vector<Slab> &slabs) {
    std::string lines;
    for (const Slab &s : slabs)
        lines += s.key + "\t" + csv(s.offset) + "\t" + csv(s.count) + (s.np_cast.empty() ? "" : "\t" + s.np_cast) + "\n";
    const std::string list = path + ".blocks";
    testsupport::write_file(list, lines);
    return h5test::split(h5test::python_output("h5_slice.py", {path, list}), '\n');
}

// Reads every slab with ser_h5_get_array and compares its bytes with h5py's block.
void expect_slabs_match_h5py(const std::string &path, const std::vector<Slab> &slabs, const ser_options *o) {
    const std::vector<std::string> expected = h5py_block_hashes(path, slabs);
    ASSERT_GE(expected.size(), slabs.size());
    ser_handle *h = h5test::open_h5(path, SER_READ, o);
    ASSERT_NE(h, nullptr);
    for (size_t i = 0; i < slabs.size(); ++i) {
        const Slab &s = slabs[i];
        SCOPED_TRACE(slab_name(s));
        ser_array_info info;
        ASSERT_EQ(ser_get_info(&info, h, s.key.c_str()), SER_OK) << ser_errmsg();
        size_t item = ser_dtype_size(s.dtype) ? ser_dtype_size(s.dtype) : info.itemsize;
        size_t n = 1;
        for (int64_t c : s.count) n *= size_t(c);
        std::vector<unsigned char> buf(n * item + 1, 0xAB);
        int32_t outcome = -1;
        ASSERT_EQ(ser_h5_get_array(&outcome, h, s.key.c_str(), s.dtype, int32_t(s.count.size()), s.offset.data(),
                                   s.count.data(), buf.data(), buf.size()), SER_OK) << ser_errmsg();
        EXPECT_EQ(outcome, SER_LOADED);
        EXPECT_EQ(buf.back(), 0xAB) << "wrote past the block";
        EXPECT_EQ(testsupport::sha256_hex(buf.data(), n * item), expected[i]);
    }
    ser_close(h);
}

TEST(Hdf5ReadInterop, NumpyDtypeAttributeIsHonouredOrAClearError) {
    const std::string path = make_h5py_file("numpy_dtype_attributes");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, h, "vlen_attribute"), SER_OK) << ser_errmsg();
    EXPECT_EQ(h5test::descr(info), ">U9");  // h5py's variable-length str attribute is read too
    std::vector<char32_t> got(18, U'?');
    int32_t outcome = -1;
    ASSERT_EQ(ser_get_array(&outcome, h, "vlen_attribute", SER_UNICODE, 1, info.shape, got.data(), 72), SER_OK)
        << ser_errmsg();
    std::vector<char32_t> want(18, U'\0');
    want[0] = U'a', want[1] = U'b', want[9] = U'\u03b2';
    EXPECT_EQ(got, want);
    EXPECT_EQ(ser_get_info(&info, h, "not_str"), SER_EFORMAT);
    EXPECT_NE(std::string(ser_errmsg()).find("not_str': attribute chainerser_numpy_dtype is '<f4', not a numpy str dtype"),
              std::string::npos) << ser_errmsg();
    EXPECT_EQ(ser_get_info(&info, h, "not_a_string"), SER_EFORMAT);
    EXPECT_NE(std::string(ser_errmsg()).find("attribute chainerser_numpy_dtype is not a scalar string"), std::string::npos)
        << ser_errmsg();
    EXPECT_EQ(ser_get_info(&info, h, "fixed_too_long"), SER_EFORMAT);
    EXPECT_NE(std::string(ser_errmsg()).find("fixed_too_long': fixed-length strings of 9 bytes are longer than the UTF-8 of the <U2"),
              std::string::npos) << ser_errmsg();
    ASSERT_EQ(ser_get_info(&info, h, "too_narrow"), SER_OK) << ser_errmsg();
    char32_t narrow[2];
    EXPECT_EQ(ser_get_array(&outcome, h, "too_narrow", SER_UNICODE, 1, info.shape, narrow, sizeof narrow), SER_EFORMAT);
    EXPECT_NE(std::string(ser_errmsg()).find("too_narrow': a stored string has 2 characters, more than its dtype <U1"),
              std::string::npos) << ser_errmsg();
    EXPECT_EQ(ser_close(h), SER_OK);
}

TEST(Hdf5ReadInterop, HyperslabsMatchNumpySlicing) {
    const std::string path = make_h5py_file("variations");
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.cast = SER_CAST_SAME_KIND;
    expect_slabs_match_h5py(path,
                            {
                                {"filters/shuffle_gzip", {3, 5}, {10, 20}, SER_FLOAT32, ""},
                                {"filters/shuffle_gzip", {19, 29}, {1, 1}, SER_FLOAT64, "<f8"},
                                {"layout/odd_chunks", {2, 4}, {7, 5}, SER_UINT16, ""},
                                {"layout/odd_chunks", {0, 0}, {10, 10}, SER_INT32, "<i4"},
                                {"layout/contiguous_big", {1, 0, 2}, {1, 3, 2}, SER_INT64, ""},
                                {"layout/compact", {1}, {3}, SER_FLOAT64, ""},
                                {"endian/f8", {1, 1}, {3, 2}, SER_FLOAT64, ""},
                                {"endian/f8", {0, 0}, {4, 3}, SER_FLOAT16, "<f2"},
                                {"endian/i2", {2}, {3}, SER_INT16, ""},
                                {"filters/fletcher32", {6}, {30}, SER_INT32, ""},
                                {"strings/vlen_array", {1}, {3}, SER_UNICODE, ""},
                                {"strings/vlen_2d", {0, 1}, {2, 1}, SER_UNICODE, ""},
                                {"strings/fixed", {1}, {2}, SER_BYTES, ""},
                                {"types/bool", {1}, {2}, SER_BOOL, ""},
                                {"types/c8", {0}, {2}, SER_COMPLEX128, "<c16"},
                                {"nested/a/b/c/deep", {}, {}, SER_INT64, ""},
                                {"zero/size", {0, 1}, {0, 2}, SER_FLOAT32, ""},
                            },
                            &o);
}

// Deflate-only datasets are read chunk by chunk by our own reader, hyperslabs included: random
// blocks of every such layout, with one and two threads, against h5py.
TEST(Hdf5ReadInterop, HyperslabsOfGzipDatasetsMatchH5pyChunkByChunk) {
    const std::string path = make_h5py_file("chunk_windows");
    const std::map<std::string, std::pair<std::vector<int64_t>, int32_t>> datasets = {
        {"conv/W", {{64, 32, 3, 3}, SER_FLOAT32}},  {"odd/i2", {{11, 13, 7}, SER_INT16}},
        {"odd/c16", {{9, 10}, SER_COMPLEX128}},     {"sparse/f8", {{20, 30}, SER_FLOAT64}},
        {"unlimited/i4", {{10}, SER_INT32}},        {"raw_chunk/u1", {{8, 8}, SER_UINT8}},
        {"big/f4", {{700, 1000}, SER_FLOAT32}},
    };
    std::mt19937 rng(20261128);
    std::vector<Slab> slabs;
    for (const auto &[key, what] : datasets) {
        const auto &[shape, dtype] = what;
        std::vector<int64_t> zero(shape.size(), 0), last(shape.size()), one(shape.size(), 1);
        for (size_t k = 0; k < shape.size(); ++k) last[k] = shape[k] - 1;
        slabs.push_back({key, zero, shape, dtype, ""});  // the whole dataset
        slabs.push_back({key, last, one, dtype, ""});    // its last element
        for (int i = 0; i < 12; ++i) {
            Slab s{key, {}, {}, dtype, ""};
            for (int64_t extent : shape) {
                const int64_t a = std::uniform_int_distribution<int64_t>(0, extent)(rng);
                const int64_t b = std::uniform_int_distribution<int64_t>(0, extent)(rng);
                s.offset.push_back(std::min(a, b));
                s.count.push_back(std::max(a, b) - std::min(a, b));
            }
            slabs.push_back(s);
        }
    }
    slabs.push_back({"sparse/f8", {0, 0}, {20, 30}, SER_FLOAT32, "<f4"});  // cast after the chunk reader
    slabs.push_back({"big/f4", {13, 0}, {600, 1000}, SER_FLOAT64, "<f8"});
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " threads");
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.cast = SER_CAST_SAME_KIND;
        o.threads = threads;
        expect_slabs_match_h5py(path, slabs, &o);
    }
}

TEST(Hdf5ReadInterop, HyperslabArgumentsAreChecked) {
    const std::string path = make_h5py_file("variations");
    ser_handle *h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    float buf[600];
    const int64_t off[2] = {0, 0}, cnt[2] = {2, 2}, big[2] = {21, 1}, neg[2] = {-1, 0};
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_FLOAT32, 1, off, cnt, buf, sizeof buf), SER_EINVAL);
    EXPECT_NE(std::string(ser_errmsg()).find("dimensions"), std::string::npos) << ser_errmsg();
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_FLOAT32, 2, off, big, buf, sizeof buf), SER_EINVAL);
    EXPECT_NE(std::string(ser_errmsg()).find("outside shape (20, 30)"), std::string::npos) << ser_errmsg();
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_FLOAT32, 2, neg, cnt, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_FLOAT32, 2, off, cnt, buf, 15), SER_EBUFSIZE);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_INT32, 2, off, cnt, buf, sizeof buf), SER_EMISMATCH);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "missing", SER_FLOAT32, 2, off, cnt, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, nullptr, SER_FLOAT32, 2, off, cnt, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(ser_h5_get_array(nullptr, h, "filters/shuffle_gzip", SER_FLOAT32, 2, nullptr, cnt, buf, sizeof buf), SER_EINVAL);
    EXPECT_EQ(ser_h5_get_array(nullptr, nullptr, "x", SER_FLOAT32, 0, nullptr, nullptr, buf, sizeof buf), SER_EINVAL);
    int32_t outcome = -1;
    EXPECT_EQ(ser_h5_get_array(&outcome, h, "none/f", SER_FLOAT32, 2, off, cnt, buf, sizeof buf), SER_OK);
    EXPECT_EQ(outcome, SER_WAS_NONE);
    ser_close(h);

    const std::string npz = testsupport::scratch_dir() + "/x.npz";
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_npz_open(&w, npz.c_str(), SER_WRITE, nullptr), SER_OK);
    ASSERT_EQ(ser_put_int64(w, "x", 1), SER_OK);
    ASSERT_EQ(ser_close(w), SER_OK);
    ser_handle *r = nullptr;
    ASSERT_EQ(ser_npz_open(&r, npz.c_str(), SER_READ, nullptr), SER_OK);
    EXPECT_EQ(ser_h5_get_array(nullptr, r, "x", SER_INT64, 0, nullptr, nullptr, buf, sizeof buf), SER_EINVAL);
    EXPECT_NE(std::string(ser_errmsg()).find("not an HDF5 handle"), std::string::npos) << ser_errmsg();
    ser_close(r);
}

TEST(Hdf5ReadInterop, PublicLockIsRecursiveAndChecked) {
    EXPECT_EQ(ser_h5_unlock(), SER_EINVAL);
    ASSERT_EQ(ser_h5_lock(), SER_OK);
    ASSERT_EQ(ser_h5_lock(), SER_OK);
    // Our own calls still work while the host holds the lock (it is recursive).
    const std::string path = testsupport::scratch_dir() + "/locked.h5";
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ASSERT_EQ(ser_put_int64(h, "v", 5), SER_OK);
    EXPECT_EQ(ser_close(h), SER_OK);
    EXPECT_EQ(ser_h5_unlock(), SER_OK);
    EXPECT_EQ(ser_h5_unlock(), SER_OK);
    EXPECT_EQ(ser_h5_unlock(), SER_EINVAL);
}

}  // namespace
