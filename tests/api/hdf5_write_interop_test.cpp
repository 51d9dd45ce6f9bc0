// Files we write, read by the real h5py: values, dtypes, shapes, layout and filters as h5py reports them.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "api/hdf5_helpers.h"

namespace {

using h5test::H5pyEntry;

// Deterministic bytes; every bit pattern is a valid element for our numeric dtypes except bool.
std::vector<unsigned char> pattern(size_t n, unsigned seed) {
    std::vector<unsigned char> v(n);
    uint32_t x = 2463534242u + seed * 7919u;
    for (auto &b : v) x ^= x << 13, x ^= x >> 17, x ^= x << 5, b = static_cast<unsigned char>(x >> 11);
    return v;
}

size_t swap_unit(int32_t dtype, size_t itemsize) {
    if (dtype == SER_COMPLEX64 || dtype == SER_COMPLEX128) return itemsize / 2;
    if (dtype == SER_UNICODE) return 4;
    return itemsize;
}

std::vector<unsigned char> swapped(std::vector<unsigned char> v, size_t unit) {
    for (size_t k = 0; k + unit <= v.size(); k += unit) std::reverse(v.begin() + long(k), v.begin() + long(k + unit));
    return v;
}

// Column-major copy of a row-major array (what a Fortran caller hands in).
std::vector<unsigned char> to_fortran(const std::vector<unsigned char> &c, const std::vector<int64_t> &shape, size_t item) {
    std::vector<unsigned char> f(c.size());
    const size_t nd = shape.size();
    std::vector<int64_t> idx(nd, 0);
    for (size_t n = 0; n < c.size() / item; ++n) {
        size_t off = 0, stride = 1;
        for (size_t k = 0; k < nd; ++k) off += size_t(idx[k]) * stride, stride *= size_t(shape[k]);
        std::memcpy(&f[off * item], &c[n * item], item);
        for (size_t k = nd; k-- > 0;)
            if (++idx[k] < shape[k]) break;
            else idx[k] = 0;
    }
    return f;
}

struct Case {
    std::string key;
    ser_array_info info;
    std::vector<unsigned char> given;     // what we pass to ser_put_array_ex
    std::vector<unsigned char> expected;  // C order, little-endian, as h5py should read it
    std::string descr;                    // numpy descr h5py should report
};

ser_array_info make_info(int32_t dtype, std::vector<int64_t> shape, size_t itemsize, int32_t order = SER_LITTLE) {
    ser_array_info info{};
    info.dtype = dtype;
    info.byteorder = itemsize > 1 ? order : SER_BYTEORDER_NA;
    info.ndim = int32_t(shape.size());
    uint64_t count = 1;
    for (size_t k = 0; k < shape.size(); ++k) info.shape[k] = shape[k], count *= uint64_t(shape[k]);
    info.itemsize = itemsize;
    info.count = count;
    info.nbytes = count * itemsize;
    return info;
}

std::string descr_for(const ser_array_info &info) { return h5test::descr(info); }

std::vector<Case> numeric_cases() {
    struct D { int32_t dtype; size_t size; };
    const D dtypes[] = {{SER_BOOL, 1},    {SER_INT8, 1},    {SER_INT16, 2},   {SER_INT32, 4},     {SER_INT64, 8},
                        {SER_UINT8, 1},   {SER_UINT16, 2},  {SER_UINT32, 4},  {SER_UINT64, 8},    {SER_FLOAT16, 2},
                        {SER_FLOAT32, 4}, {SER_FLOAT64, 8}, {SER_COMPLEX64, 8}, {SER_COMPLEX128, 16}};
    const std::vector<std::vector<int64_t>> shapes = {{}, {1}, {7}, {3, 4}, {2, 3, 5}, {0, 3}};
    std::vector<Case> cases;
    unsigned seed = 0;
    for (const D &d : dtypes) {
        for (const auto &shape : shapes) {
            ser_array_info info = make_info(d.dtype, shape, d.size);
            std::vector<unsigned char> v = pattern(info.nbytes, ++seed);
            if (d.dtype == SER_BOOL) for (auto &b : v) b &= 1;
            std::string key = std::string(ser_dtype_name(d.dtype)) + "/shape" + h5test::shape_text(info);
            cases.push_back({key, info, v, v, descr_for(info)});
        }
        if (d.size > 1) {  // big-endian input stays big-endian in the file
            ser_array_info info = make_info(d.dtype, {4, 5}, d.size, SER_BIG);
            std::vector<unsigned char> le = pattern(info.nbytes, ++seed);
            cases.push_back({std::string(ser_dtype_name(d.dtype)) + "/big_endian", info,
                             swapped(le, swap_unit(d.dtype, d.size)), le, descr_for(info)});
        }
    }
    for (auto shape : {std::vector<int64_t>{3, 4, 2}, std::vector<int64_t>{5, 3}}) {
        ser_array_info info = make_info(SER_FLOAT64, shape, 8);
        info.fortran_order = 1;
        std::vector<unsigned char> c = pattern(info.nbytes, ++seed);
        ser_array_info c_info = info;
        c_info.fortran_order = 0;
        cases.push_back({"fortran/f8_" + h5test::shape_text(info), info, to_fortran(c, shape, 8), c, descr_for(c_info)});
    }
    return cases;
}

std::vector<unsigned char> utf32(const std::u32string &s, size_t width) {
    std::u32string padded = s;
    padded.resize(width, U'\0');
    std::vector<unsigned char> out(width * 4);
    std::memcpy(out.data(), padded.data(), out.size());
    return out;
}

std::vector<Case> text_cases() {
    std::vector<Case> cases;
    std::vector<unsigned char> arr;
    for (auto s : {std::u32string(U"ab"), std::u32string(U"\u03b2\u03b3\u03b4"), std::u32string(U"\U0001F600")}) {
        auto b = utf32(s, 3);
        arr.insert(arr.end(), b.begin(), b.end());
    }
    ser_array_info u = make_info(SER_UNICODE, {3}, 12);
    cases.push_back({"text/unicode_array", u, arr, arr, "<U3"});
    ser_array_info ube = make_info(SER_UNICODE, {3}, 12, SER_BIG);
    cases.push_back({"text/unicode_big_endian", ube, swapped(arr, 4), arr, "<U3"});
    std::vector<unsigned char> grid;
    for (auto s : {U"x", U"yy", U"zzz", U"w", U"", U"v"}) {
        auto b = utf32(s, 3);
        grid.insert(grid.end(), b.begin(), b.end());
    }
    cases.push_back({"text/unicode_2d", make_info(SER_UNICODE, {2, 3}, 12), grid, grid, "<U3"});
    const char bytes[] = "ab\0\0cdef\0\0\0\0";
    std::vector<unsigned char> b(bytes, bytes + 12);
    cases.push_back({"text/bytes_array", make_info(SER_BYTES, {3}, 4), b, b, "|S4"});
    return cases;
}

void expect_layout(const std::string &key, const H5pyEntry &e, uint64_t count, const std::string &level) {
    if (count > 1) {
        EXPECT_EQ(e.layout, "chunked") << key;
        EXPECT_EQ(e.chunks, e.guess) << key << ": chunks differ from h5py's guess_chunk";
        EXPECT_EQ(e.compression, "gzip") << key;
        EXPECT_EQ(e.compression_opts, level) << key;
    } else {
        EXPECT_EQ(e.layout, "contiguous") << key;
        EXPECT_EQ(e.compression, "-") << key;
    }
    EXPECT_EQ(e.shuffle, "0") << key;
    EXPECT_EQ(e.fletcher32, "0") << key;
}

TEST(Hdf5WriteInterop, EveryDtypeShapeAndByteOrderReadsBackInH5py) {
    const std::string path = testsupport::scratch_dir() + "/all.h5";
    std::vector<Case> cases = numeric_cases();
    for (Case &c : text_cases()) cases.push_back(std::move(c));
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ASSERT_NE(h, nullptr);
    for (const Case &c : cases)
        ASSERT_EQ(ser_put_array_ex(h, c.key.c_str(), &c.info, c.given.data(), c.given.size()), SER_OK)
            << c.key << ": " << ser_errmsg();
    ASSERT_EQ(ser_put_none(h, "none/value"), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_string(h, "text/scalar", "h\xc3\xa9llo \xe2\x9c\x93"), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_string(h, "text/empty", ""), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_bytes(h, "text/bytes_scalar", "abc", 3), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_int64(h, "scalar/int", -7), SER_OK);
    ASSERT_EQ(ser_put_float64(h, "scalar/float", 0.1), SER_OK);
    ASSERT_EQ(ser_put_bool(h, "scalar/bool", 1), SER_OK);
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();

    std::map<std::string, H5pyEntry> dump = h5test::h5py_dump(path);
    ASSERT_EQ(dump.size(), cases.size() + 7);
    for (const Case &c : cases) {
        SCOPED_TRACE(c.key);
        ASSERT_EQ(dump.count(c.key), 1u);
        const H5pyEntry &e = dump[c.key];
        EXPECT_EQ(e.dtype, c.descr);
        ser_array_info logical = c.info;
        EXPECT_EQ(e.shape, h5test::shape_text(logical));
        EXPECT_EQ(e.sha256, testsupport::sha256_hex(c.expected.data(), c.expected.size()));
        expect_layout(c.key, e, c.info.count, "4");
    }
    EXPECT_EQ(dump["none/value"].dtype, "none:<f4");  // h5py.Empty('f')
    EXPECT_EQ(dump["none/value"].shape, "none");
    std::u32string scalar = U"h\u00e9llo \u2713";
    auto scalar_bytes = utf32(scalar, scalar.size());
    EXPECT_EQ(dump["text/scalar"].dtype, "<U7");
    EXPECT_EQ(dump["text/scalar"].shape, "");
    EXPECT_EQ(dump["text/scalar"].sha256, testsupport::sha256_hex(scalar_bytes.data(), scalar_bytes.size()));
    EXPECT_EQ(dump["text/empty"].sha256, testsupport::sha256_hex(std::string(4, '\0')));
    EXPECT_EQ(dump["text/bytes_scalar"].dtype, "|S3");
    EXPECT_EQ(dump["text/bytes_scalar"].sha256, testsupport::sha256_hex(std::string("abc")));
    int64_t i = -7;
    double d = 0.1;
    EXPECT_EQ(dump["scalar/int"].sha256, testsupport::sha256_hex(&i, 8));
    EXPECT_EQ(dump["scalar/float"].sha256, testsupport::sha256_hex(&d, 8));
    EXPECT_EQ(dump["scalar/bool"].dtype, "|b1");
    for (const char *k : {"scalar/int", "scalar/float", "scalar/bool", "text/scalar"}) {
        EXPECT_EQ(dump[k].shape, "") << k;  // 0-d: SCALAR dataspace
        expect_layout(k, dump[k], 1, "-");
    }
}

TEST(Hdf5WriteInterop, StrArraysKeepTheirDtypeAndEmbeddedNuls) {
    const std::string path = testsupport::scratch_dir() + "/strings.h5";
    std::vector<unsigned char> nul;
    for (auto s : {std::u32string(U"a\0b", 3), std::u32string(), std::u32string(U"\0\u00e9", 2), std::u32string(U"xyz")}) {
        auto b = utf32(s, 5);
        nul.insert(nul.end(), b.begin(), b.end());
    }
    std::vector<unsigned char> wide = utf32(U"ab", 9);
    ser_array_info nul_info = make_info(SER_UNICODE, {2, 2}, 20);
    ser_array_info wide_info = make_info(SER_UNICODE, {}, 36, SER_BIG);
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(ser_put_array_ex(h, "nul", &nul_info, nul.data(), nul.size()), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_array_ex(h, "wide", &wide_info, swapped(wide, 4).data(), wide.size()), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();

    std::map<std::string, H5pyEntry> dump = h5test::h5py_dump(path);
    EXPECT_EQ(dump["nul"].dtype, "|S3");  // h5py: fixed-length UTF-8 of the longest string's 3 bytes
    EXPECT_EQ(dump["wide"].dtype, "<U2");  // h5py: its own variable-length strings
    h = h5test::open_h5(path, SER_READ);
    ASSERT_NE(h, nullptr);
    ser_array_info info;
    ASSERT_EQ(ser_get_info(&info, h, "nul"), SER_OK) << ser_errmsg();
    EXPECT_EQ(h5test::descr(info), "<U5");
    EXPECT_EQ(h5test::read_entry(h, "nul").sha256, testsupport::sha256_hex(nul.data(), nul.size()));
    ASSERT_EQ(ser_get_info(&info, h, "wide"), SER_OK) << ser_errmsg();
    EXPECT_EQ(h5test::descr(info), ">U9");
    EXPECT_EQ(h5test::read_entry(h, "wide").sha256, testsupport::sha256_hex(wide.data(), wide.size()));
    const int64_t offset[2] = {1, 0}, count[2] = {1, 2};
    std::vector<unsigned char> row(40);
    int32_t outcome = -1;
    ASSERT_EQ(ser_get_array_slab(&outcome, h, "nul", SER_UNICODE, 2, offset, count, row.data(), row.size()), SER_OK)
        << ser_errmsg();
    EXPECT_EQ(row, std::vector<unsigned char>(nul.begin() + 40, nul.end()));
    EXPECT_EQ(ser_close(h), SER_OK);
}

TEST(Hdf5WriteInterop, ChunkShapesEqualH5pysGuessForATableOfShapes) {
    const std::string path = testsupport::scratch_dir() + "/chunks.h5";
    struct S { std::vector<int64_t> shape; int32_t dtype; size_t size; };
    const S table[] = {{{256, 512}, SER_FLOAT32, 4}, {{100000}, SER_FLOAT32, 4}, {{1000, 1000}, SER_FLOAT64, 8},
                       {{1000}, SER_FLOAT32, 4},     {{3, 5, 7, 11}, SER_INT16, 2}, {{70000, 3}, SER_INT8, 1},
                       {{2, 200000}, SER_COMPLEX128, 16}, {{1, 1, 2}, SER_UINT8, 1}, {{513, 1025}, SER_FLOAT16, 2}};
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ASSERT_NE(h, nullptr);
    std::vector<std::string> keys;
    for (const S &s : table) {
        ser_array_info info = make_info(s.dtype, s.shape, s.size);
        std::vector<unsigned char> zeros(info.nbytes, 0);
        keys.push_back("t" + std::to_string(keys.size()));
        ASSERT_EQ(ser_put_array_ex(h, keys.back().c_str(), &info, zeros.data(), zeros.size()), SER_OK) << ser_errmsg();
    }
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    std::map<std::string, H5pyEntry> dump = h5test::h5py_dump(path);
    for (const std::string &k : keys) {
        EXPECT_EQ(dump[k].layout, "chunked") << k;
        EXPECT_EQ(dump[k].chunks, dump[k].guess) << k << " shape " << dump[k].shape;
    }
    EXPECT_EQ(dump["t0"].chunks, "32,128");  // the documented probes (npy-npz-hdf5-format.md §9)
    EXPECT_EQ(dump["t1"].chunks, "3125");
    EXPECT_EQ(dump["t2"].chunks, "63,63");
    EXPECT_EQ(dump["t3"].chunks, "1000");
}

TEST(Hdf5WriteInterop, CompressionLevelOptionAndNoCompression) {
    const std::string dir = testsupport::scratch_dir();
    const float data[6] = {1, 2, 3, 4, 5, 6};
    const int64_t shape[2] = {2, 3};
    struct Run { int32_t compress, level; const char *layout, *compression, *opts; };
    const Run runs[] = {{1, -1, "chunked", "gzip", "4"}, {1, 9, "chunked", "gzip", "9"},
                        {1, 0, "chunked", "gzip", "0"},  {0, -1, "contiguous", "-", "-"}};
    for (const Run &r : runs) {
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.compress = r.compress;
        o.compression_level = r.level;
        const std::string path = dir + "/c" + std::to_string(r.compress) + "_" + std::to_string(r.level) + ".h5";
        ser_handle *h = h5test::open_h5(path, SER_WRITE, &o);
        ASSERT_NE(h, nullptr);
        ASSERT_EQ(ser_put_array(h, "y", SER_FLOAT32, 2, shape, data, sizeof data), SER_OK) << ser_errmsg();
        ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();
        H5pyEntry e = h5test::h5py_dump(path)["y"];
        EXPECT_EQ(e.layout, r.layout) << path;
        EXPECT_EQ(e.compression, r.compression) << path;
        EXPECT_EQ(e.compression_opts, r.opts) << path;
        EXPECT_EQ(e.sha256, testsupport::sha256_hex(data, sizeof data));
    }
    ser_options bad;
    ser_options_init(&bad, SER_OPTIONS_VERSION);
    bad.compression_level = 10;
    ser_handle *h = nullptr;
    EXPECT_EQ(ser_h5_open(&h, (dir + "/bad.h5").c_str(), SER_WRITE, &bad), SER_EINVAL);
    EXPECT_EQ(h, nullptr);
}

TEST(Hdf5WriteInterop, ChildrenAreGroupsCreatedEagerlyEvenWhenEmpty) {
    const std::string path = testsupport::scratch_dir() + "/groups.h5";
    ser_handle *root = h5test::open_h5(path, SER_WRITE);
    ASSERT_NE(root, nullptr);
    ser_handle *ext = nullptr, *snap = nullptr, *opt = nullptr, *w = nullptr;
    ASSERT_EQ(ser_child(&ext, root, "extensions"), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_child(&snap, ext, "snapshot"), SER_OK) << ser_errmsg();  // never written to
    ASSERT_EQ(ser_child(&opt, root, "/optimizer/"), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_child(&w, opt, "/l1/W"), SER_OK) << ser_errmsg();  // Chainer's '//l1/W' is '/l1/W'
    ASSERT_EQ(ser_put_int64(w, "t", 3), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_int64(root, "a/b/direct", 1), SER_OK) << ser_errmsg();  // parents made on the way
    EXPECT_EQ(ser_put_int64(w, "t", 4), SER_EEXISTS);
    EXPECT_NE(std::string(ser_errmsg()).find("optimizer/l1/W/t"), std::string::npos) << ser_errmsg();
    for (ser_handle *c : {w, opt, snap, ext}) ser_close(c);
    ASSERT_EQ(ser_close(root), SER_OK) << ser_errmsg();

    std::string groups = h5test::python_output("h5_groups.py", {path});
    EXPECT_EQ(groups,
              "\ta,extensions,optimizer\n"
              "a\tb\n"
              "a/b\tdirect\n"
              "extensions\tsnapshot\n"
              "extensions/snapshot\t\n"
              "optimizer\tl1\n"
              "optimizer/l1\tW\n"
              "optimizer/l1/W\tt\n");
}

TEST(Hdf5WriteInterop, SavingOverAFileIsAtomic) {
    const std::string dir = testsupport::scratch_dir();
    const std::string path = dir + "/model.h5";
    ser_handle *h = h5test::open_h5(path, SER_WRITE);
    ASSERT_EQ(ser_put_int64(h, "v", 1), SER_OK);
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    const std::string first = testsupport::read_file(path);

    h = h5test::open_h5(path, SER_WRITE);
    ASSERT_EQ(ser_put_int64(h, "v", 2), SER_OK);
    EXPECT_EQ(testsupport::read_file(path), first);  // untouched until close
    ser_discard(h);
    EXPECT_EQ(testsupport::read_file(path), first);

    h = h5test::open_h5(path, SER_WRITE);
    ASSERT_EQ(ser_put_int64(h, "v", 3), SER_OK);
    ASSERT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    int64_t v = 0;
    EXPECT_EQ(h5test::h5py_dump(path)["v"].sha256, testsupport::sha256_hex((v = 3, &v), 8));
    EXPECT_EQ(std::system(("test $(ls -A '" + dir + "' | wc -l) -eq 1").c_str()), 0) << "temporary files left behind";
}

}  // namespace
