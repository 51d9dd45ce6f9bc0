// Interop with the real NumPy, both ways: files the library writes are checked by numpy.load
// (and byte-compared with numpy's own write_array), and files NumPy writes are read back here.
#include <gtest/gtest.h>

#include <algorithm>
#include <complex>
#include <cstring>
#include <map>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

const int32_t kNumeric[] = {SER_BOOL,   SER_INT8,    SER_INT16,   SER_INT32,     SER_INT64,
                            SER_UINT8,  SER_UINT16,  SER_UINT32,  SER_UINT64,    SER_FLOAT16,
                            SER_FLOAT32, SER_FLOAT64, SER_COMPLEX64, SER_COMPLEX128};

template <class T>
void put_le(std::string &out, T v) {
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

// IEEE binary16 of a value that binary16 holds exactly (the formula only produces such values).
uint16_t exact_half(double v) {
    if (v == 0) return 0;
    uint16_t sign = v < 0 ? 0x8000 : 0;
    v = std::abs(v);
    int e = 0;
    while (v >= 2) v /= 2, ++e;
    while (v < 1) v *= 2, --e;
    return uint16_t(sign | uint16_t(e + 15) << 10 | uint16_t((v - 1) * 1024));
}

// Element i (C order) of every numeric test array: the formula npz_check_written.py mirrors.
void append_value(std::string &out, int32_t dtype, int64_t i) {
    const int64_t s = (i * 37 + 11) % 200 - 100, u = (i * 37 + 11) % 250;
    const double f = double(i) * 0.25 - 3.5;
    switch (dtype) {
        case SER_BOOL: put_le<uint8_t>(out, i % 3 == 0); break;
        case SER_INT8: put_le<int8_t>(out, int8_t(s)); break;
        case SER_INT16: put_le<int16_t>(out, int16_t(s * 300)); break;
        case SER_INT32: put_le<int32_t>(out, int32_t(s * 20000000)); break;
        case SER_INT64: put_le<int64_t>(out, s * 72057594037927); break;
        case SER_UINT8: put_le<uint8_t>(out, uint8_t(u)); break;
        case SER_UINT16: put_le<uint16_t>(out, uint16_t(u * 262)); break;
        case SER_UINT32: put_le<uint32_t>(out, uint32_t(u * 17000000)); break;
        case SER_UINT64: put_le<uint64_t>(out, uint64_t(u) * 73786976294837u); break;
        case SER_FLOAT16: put_le<uint16_t>(out, exact_half(f)); break;
        case SER_FLOAT32: put_le<float>(out, float(f)); break;
        case SER_FLOAT64: put_le<double>(out, f); break;
        case SER_COMPLEX64: put_le<float>(out, float(i * 0.5 - 1)), put_le<float>(out, float(3 - i * 0.25)); break;
        case SER_COMPLEX128: put_le<double>(out, i * 0.5 - 1), put_le<double>(out, 3 - i * 0.25); break;
    }
}

std::string shape_name(const std::vector<int64_t> &shape) {
    if (shape.empty()) return "scalar";
    std::string s;
    for (size_t k = 0; k < shape.size(); ++k) s += (k ? "x" : "") + std::to_string(shape[k]);
    return s;
}

// The C-order elements rearranged column-major, and each scalar (each half of a complex, each
// UTF-32 unit) byte-reversed when big-endian: what the file stores.
std::string stored_layout(const std::string &c_bytes, const std::vector<int64_t> &shape, size_t itemsize,
                          size_t swap_unit, bool fortran, bool big) {
    std::string out = c_bytes;
    if (fortran && shape.size() > 1) {
        size_t n = c_bytes.size() / itemsize;
        std::vector<int64_t> idx(shape.size(), 0);
        for (size_t c = 0; c < n; ++c) {
            size_t f = 0, stride = 1;
            for (size_t a = 0; a < shape.size(); ++a) f += size_t(idx[a]) * stride, stride *= size_t(shape[a]);
            std::memcpy(&out[f * itemsize], &c_bytes[c * itemsize], itemsize);
            for (size_t a = shape.size(); a-- > 0;)
                if (++idx[a] < shape[a]) break;
                else idx[a] = 0;
        }
    }
    if (big && swap_unit > 1)
        for (size_t k = 0; k + swap_unit <= out.size(); k += swap_unit) std::reverse(&out[k], &out[k] + swap_unit);
    return out;
}

const char *const kUtf8Strings[] = {"", "hello", "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
                                    "\xf0\x9f\x98\x80\xf0\x90\x8d\x88"};
const std::u32string kUtf32Strings[] = {U"", U"hello", U"h\u00e9llo \u2713 \u65e5\u672c \U0001F600", U"\U0001F600\U00010348"};

// Writes every case through the C API; returns the number of keys.
size_t write_library_file(const std::string &path, int compress) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compress;
    Handle w = open_npz(path, SER_WRITE, &o);
    if (!w) return 0;
    size_t keys = 0;
    auto ok = [&](int rc, const std::string &key) {
        EXPECT_EQ(rc, SER_OK) << key << ": " << errmsg();
        ++keys;
    };
    const std::vector<std::vector<int64_t>> shapes = {{}, {5}, {0}, {2, 0, 3}, {2, 3}, {2, 3, 4}, {1, 5}, {3, 1}};
    for (int32_t dtype : kNumeric) {
        const size_t itemsize = ser_dtype_size(dtype);
        const bool complex = dtype == SER_COMPLEX64 || dtype == SER_COMPLEX128;
        for (const auto &shape : shapes)
            for (bool big : {false, true})
                for (bool fortran : {false, true}) {
                    int64_t n = 1;
                    for (int64_t d : shape) n *= d;
                    std::string c_bytes;
                    for (int64_t i = 0; i < n; ++i) append_value(c_bytes, dtype, i);
                    ser_array_info info{};
                    info.dtype = dtype;
                    info.byteorder = itemsize > 1 ? (big ? SER_BIG : SER_LITTLE) : SER_BYTEORDER_NA;
                    info.fortran_order = fortran;
                    info.ndim = int32_t(shape.size());
                    std::copy(shape.begin(), shape.end(), info.shape);
                    std::string data = stored_layout(c_bytes, shape, itemsize, complex ? itemsize / 2 : itemsize,
                                                     fortran, big);
                    std::string key = std::string("num/") + ser_dtype_name(dtype) + (big ? "/be/" : "/le/") +
                                      (fortran ? "F/" : "C/") + shape_name(shape);
                    ok(ser_put_array_ex(w.get(), key.c_str(), &info, data.data(), data.size()), key);
                }
    }
    for (size_t k = 0; k < 4; ++k) ok(ser_put_string(w.get(), ("str/" + std::to_string(k)).c_str(), kUtf8Strings[k]), "str");
    {  // all four strings as one big-endian array, as wide as the longest
        size_t width = 0;
        for (const std::u32string &s : kUtf32Strings) width = std::max(width, s.size());
        std::string data;
        for (const std::u32string &s : kUtf32Strings) {
            std::u32string padded = s;
            padded.resize(width, U'\0');
            std::string c(reinterpret_cast<const char *>(padded.data()), width * 4);
            data += stored_layout(c, {}, 4, 4, false, true);
        }
        ser_array_info info{};
        info.dtype = SER_UNICODE;
        info.byteorder = SER_BIG;
        info.ndim = 1;
        info.shape[0] = 4;
        info.itemsize = width * 4;
        ok(ser_put_array_ex(w.get(), "strarr/be", &info, data.data(), data.size()), "strarr/be");
    }
    ok(ser_put_bytes(w.get(), "bytes/0", "ab\0c", 4), "bytes/0");
    ok(ser_put_bytes(w.get(), "bytes/1", "", 0), "bytes/1");
    ok(ser_put_none(w.get(), "none"), "none");
    int rc = ser_close(w.release());
    EXPECT_EQ(rc, SER_OK) << errmsg();
    return keys;
}

TEST(NpzInterop, LibraryWritesWhatNumPyLoads) {
    const std::string dir = scratch_dir();
    for (int compress : {1, 0}) {
        SCOPED_TRACE(compress ? "compressed" : "stored");
        const std::string path = dir + "/lib" + std::to_string(compress) + ".npz";
        size_t keys = write_library_file(path, compress);
        ASSERT_GT(keys, 400u);
        python_ok("npz_check_written.py", {path, std::to_string(keys), compress ? "8" : "0"});
    }
}

TEST(NpzInterop, LibraryReadsBackWhatItWrote) {
    // Every numeric case read into its native C-order buffer equals the formula's bytes.
    const std::string path = scratch_dir() + "/lib.npz";
    write_library_file(path, 1);
    Handle r = open_npz(path, SER_READ);
    ASSERT_TRUE(r);
    size_t checked = 0;
    for (const std::string &key : list_keys(r.get())) {
        if (key.rfind("num/", 0) != 0) continue;
        ser_array_info info{};
        std::string bytes;
        ASSERT_TRUE(read_native(r.get(), key, &info, &bytes));
        std::string expected;
        for (uint64_t i = 0; i < info.count; ++i) append_value(expected, info.dtype, int64_t(i));
        EXPECT_EQ(bytes, expected) << key;
        ++checked;
    }
    EXPECT_EQ(checked, 14u * 8 * 4);
    for (size_t k = 0; k < 4; ++k) {
        size_t size = 0;
        const std::string key = "str/" + std::to_string(k);
        ASSERT_EQ(ser_get_string(&size, nullptr, r.get(), key.c_str(), nullptr, 0), SER_OK) << errmsg();
        std::string text(size, '\0');
        ASSERT_EQ(ser_get_string(&size, nullptr, r.get(), key.c_str(), &text[0], text.size()), SER_OK) << errmsg();
        EXPECT_STREQ(text.c_str(), kUtf8Strings[k]);
    }
}

TEST(NpzInterop, NumPyWritesWhatLibraryReads) {
    const std::string dir = scratch_dir();
    std::string names = python_ok("npz_numpy_writes.py", {dir});
    size_t files = 0;
    for (const std::string &name : split(names, '\n')) {
        if (name.empty()) continue;
        SCOPED_TRACE(name);
        expect_npz_matches(dir + "/" + name, dir + "/" + name + ".expect");
        ++files;
    }
    EXPECT_EQ(files, 8u);
}

TEST(NpzInterop, NumPyStringsReadAsUtf8) {
    const std::string dir = scratch_dir();
    python_ok("npz_numpy_writes.py", {dir});
    Handle r = open_npz(dir + "/savez_compressed.npz", SER_READ);
    ASSERT_TRUE(r);
    struct Case {
        const char *key;
        std::string utf8;
    };
    for (const Case &c : {Case{"str/ascii", "hello"}, Case{"str/empty", ""},
                          Case{"str/non_bmp", "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xf0\x90\x8d\x88"},
                          Case{"str/json_log", "[{\"epoch\": 0, \"main/loss\": 0.5}]"}, Case{"bytes/scalar", std::string("ab\0c", 4)}}) {
        char buf[128];
        size_t size = 0;
        ASSERT_EQ(ser_get_string(&size, nullptr, r.get(), c.key, buf, sizeof buf), SER_OK) << c.key << ": " << errmsg();
        EXPECT_EQ(std::string(buf, size - 1), c.utf8) << c.key;
    }
}

// Float32 weights with random mantissas and a few exponents, from an integer hash that
// npz_check_weights.py mirrors: such members are large enough to be sampled, and are written as
// literal-only deflate blocks.
std::vector<uint32_t> weight_bits(size_t count, uint32_t salt) {
    std::vector<uint32_t> bits(count);
    for (size_t i = 0; i < count; ++i) {
        uint32_t h = uint32_t(i) * 2654435761u + salt;
        h ^= h >> 15;
        h *= 2246822519u;
        h ^= h >> 13;
        bits[i] = (h & 0x80000000u) | ((117u + (h >> 23) % 8) << 23) | (h & 0x7FFFFFu);
    }
    return bits;
}

TEST(NpzInterop, NumPyLoadsLargeTrainedLikeWeights) {
    const std::string path = scratch_dir() + "/weights.npz";
    const size_t counts[] = {size_t(1) << 18, (size_t(3) << 19) + 7, (size_t(1) << 16) + 3};
    {
        Handle w = open_npz(path, SER_WRITE);
        ASSERT_TRUE(w) << errmsg();
        for (size_t k = 0; k < 3; ++k) {
            const std::vector<uint32_t> bits = weight_bits(counts[k], uint32_t(k));
            const int64_t shape[1] = {int64_t(counts[k])};
            const std::string key = "w" + std::to_string(k);
            ASSERT_EQ(ser_put_array(w.get(), key.c_str(), SER_FLOAT32, 1, shape, bits.data(), bits.size() * 4), SER_OK)
                << errmsg();
        }
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    }
    std::vector<std::string> args = {path};
    for (size_t n : counts) args.push_back(std::to_string(n));
    python_ok("npz_check_weights.py", args);
}

// NumPy's members over the 64 MiB inflated whole from a copy are inflated from a mapping of the
// file straight into the caller's buffer (one zlib stream each, cut after the npy header), and
// converted where the file's byte or memory order is not the caller's; corrupt, one is an error
// naming the file and the member.
TEST(NpzInterop, NumPyMembersOver64MiBReadExactly) {
    const std::string dir = scratch_dir();
    python_ok("npz_savez_compressed_huge.py", {dir});
    const std::string path = dir + "/huge.npz";
    struct Member {
        const char *key;
        int32_t dtype;
        std::vector<int64_t> shape;
    };
    const Member members[] = {{"w", SER_FLOAT32, {18 << 20}}, {"b", SER_FLOAT64, {66 << 17}}, {"f", SER_INT32, {4096, 17 << 8}}};
    {
        Handle r = open_npz(path, SER_READ);
        ASSERT_TRUE(r) << errmsg();
        for (const Member &m : members) {
            SCOPED_TRACE(m.key);
            const std::string want = read_file(dir + "/" + m.key + ".raw");
            ASSERT_GT(want.size(), size_t(64) << 20);
            std::string got(want.size(), '\0');
            ASSERT_EQ(ser_get_array(nullptr, r.get(), m.key, m.dtype, int32_t(m.shape.size()), m.shape.data(), got.data(),
                                    got.size()),
                      SER_OK)
                << errmsg();
            EXPECT_TRUE(got == want);
        }
    }
    std::string bad = read_file(path);
    bad[size_t(30) << 20] ^= 0x10;  // inside w's stored bytes, which come first
    write_file(dir + "/huge_bad.npz", bad);
    Handle r = open_npz(dir + "/huge_bad.npz", SER_READ);
    ASSERT_TRUE(r) << errmsg();
    std::vector<float> w(size_t(18) << 20);
    const int64_t shape[1] = {18 << 20};
    EXPECT_EQ(ser_get_array(nullptr, r.get(), "w", SER_FLOAT32, 1, shape, w.data(), w.size() * 4), SER_EFORMAT);
    EXPECT_NE(errmsg().find("huge_bad.npz"), std::string::npos) << errmsg();
    EXPECT_NE(errmsg().find("'w'"), std::string::npos) << errmsg();
}

// A member of 16 MiB or more is cut into pieces deflated on the workers and joined into one
// stream, with a piece index that NumPy ignores and our reader uses. Its thirds are random
// mantissas (literal-only pieces), zeros and a repeating pattern (libdeflate pieces); small
// members before and after it must keep their places.
TEST(NpzInterop, NumPyLoadsAMemberDeflatedInPiecesOnSeveralThreads) {
    const std::string dir = scratch_dir();
    const size_t count = (size_t(10) << 20) + 3;
    std::vector<uint32_t> big = weight_bits(count, 9);
    for (size_t i = count / 3; i < count; ++i) {
        const float v = i < 2 * count / 3 ? 0.f : float(i % 1000) * 0.5f;
        std::memcpy(&big[i], &v, 4);
    }
    write_file(dir + "/big.raw", std::string(reinterpret_cast<const char *>(big.data()), big.size() * 4));
    std::map<int, size_t> file_size;
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        const std::string path = dir + "/pieces" + std::to_string(threads) + ".npz";
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.threads = threads;
        {
            Handle w = open_npz(path, SER_WRITE, &o);
            ASSERT_TRUE(w) << errmsg();
            const int64_t three[1] = {3}, shape[1] = {int64_t(count)};
            const int32_t before[3] = {1, 2, 3};
            ASSERT_EQ(ser_put_array(w.get(), "before", SER_INT32, 1, three, before, sizeof before), SER_OK) << errmsg();
            ASSERT_EQ(ser_put_array(w.get(), "big", SER_FLOAT32, 1, shape, big.data(), count * 4), SER_OK) << errmsg();
            ASSERT_EQ(ser_put_int64(w.get(), "after", 4), SER_OK) << errmsg();
            ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
        }
        // One thread deflates the member whole; two cut its 40 MiB and 12 bytes into pieces of 8 MiB.
        python_ok("npz_check_pieces.py", {path, dir + "/big.raw", threads == 1 ? "1" : "6"});
        Handle r = open_npz(path, SER_READ);
        ASSERT_TRUE(r) << errmsg();
        std::vector<uint32_t> back(count);
        const int64_t shape[1] = {int64_t(count)};
        ASSERT_EQ(ser_get_array(nullptr, r.get(), "big", SER_FLOAT32, 1, shape, back.data(), count * 4), SER_OK)
            << errmsg();
        EXPECT_TRUE(back == big);
        file_size[threads] = read_file(path).size();
    }
    // The joins cost a few bytes per 8 MiB piece and the context they cut: well under 0.1%.
    EXPECT_LT(double(file_size[2]), double(file_size[1]) * 1.001) << file_size[2] << " vs " << file_size[1];
}

TEST(NpzInterop, StoredCopyOfNumPysSavezIsByteIdentical) {
    // A 9 MiB member takes the path where the CRC is computed while the bytes are written and
    // patched into the local header afterwards; one thread computes it first.
    const std::string dir = scratch_dir();
    python_ok("npz_savez_large.py", {dir + "/numpy.npz"});
    for (int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(threads) + " thread(s)");
        const std::string copy = dir + "/copy" + std::to_string(threads) + ".npz";
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.compress = 0;
        o.threads = threads;
        Handle r = open_npz(dir + "/numpy.npz", SER_READ);
        Handle w = open_npz(copy, SER_WRITE, &o);
        ASSERT_TRUE(r && w) << errmsg();
        ASSERT_EQ(ser_copy_all(w.get(), r.get()), SER_OK) << errmsg();
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
        EXPECT_TRUE(read_file(copy) == read_file(dir + "/numpy.npz"));
    }
}

}  // namespace
