// The C++ wrapper's float16 tensors, `<U n` / `|S n` string arrays, bytes scalars and every
// numeric dtype: written by the wrapper and checked by NumPy/h5py, and read from files NumPy/h5py
// wrote (bindings/python_checks/make_fixture.py, all_dtypes.py and check_entries.py, shared with
// the Rust and Go tests).
#include <chainerser/chainerser.hpp>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <complex>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "cpp_test_helpers.h"
#include "support/test_support.h"

namespace {

namespace cs = chainerser;

const std::string kChecks = "../../bindings/python_checks/";

// NumPy's float16 of 0, -0, 1/3, 65504, 2**-24, inf, -inf, nan (make_fixture.py's `f16`).
const std::vector<uint16_t> kF16Special = {0x0000, 0x8000, 0x3555, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00};
const std::vector<std::string> kStrings = {"a", "bc", "日本語", "😀"};
const std::vector<std::string> kByteStrings = {"ab", std::string("\0\1", 2), "abcd"};

using cpptest::is_h5;
cs::Handle create(const std::string &path) { return is_h5(path) ? cs::create_h5(path) : cs::create_npz(path); }
cs::Handle open_read(const std::string &path, ser_cast cast = SER_CAST_NO) {
    cs::LoadOptions o;
    o.cast = cast;
    return is_h5(path) ? cs::open_h5(path, o) : cs::open_npz(path, o);
}

using cpptest::expect_error;

std::string json_str(const std::string &s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        char esc[8];
        if (c == '"' || c == '\\') out += '\\', out += char(c);
        else if (c < 0x20) std::snprintf(esc, sizeof esc, "\\u%04x", c), out += esc;
        else out += char(c);
    }
    return out + "\"";
}

std::string json_hex(const std::string &bytes) {
    std::string out = "\"";
    char hex[4];
    for (unsigned char c : bytes) std::snprintf(hex, sizeof hex, "%02x", c), out += hex;
    return out + "\"";
}

template <class T, class F>
std::string json_list(const std::vector<T> &v, F &&element) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + element(v[i]);
    return out + "]";
}

std::string json_double(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

struct Entry {
    std::string key, descr;
    std::vector<int64_t> shape;
    std::string field;  // "values" or "bits"
    std::string list;   // a JSON list
};

// check_entries.py: NumPy (NPZ) or h5py (HDF5) reads each entry and compares it with the spec.
void check_entries(const std::string &path, const std::vector<Entry> &entries) {
    std::string spec = "{";
    for (size_t i = 0; i < entries.size(); ++i) {
        const Entry &e = entries[i];
        spec += (i ? ", " : "") + json_str(e.key) + ": {\"descr\": " + json_str(e.descr) + ", \"shape\": " +
                json_list(e.shape, [](int64_t d) { return std::to_string(d); }) + ", " + json_str(e.field) + ": " +
                e.list + "}";
    }
    spec += "}";
    std::string out;
    EXPECT_EQ(testsupport::run_python(kChecks + "check_entries.py", {is_h5(path) ? "h5" : "npz", path, spec}, &out), 0)
        << out;
}

std::string bits_list(const std::vector<cs::float16> &v) {
    return json_list(v, [](cs::float16 h) { return std::to_string(h.bits()); });
}

std::vector<uint16_t> bits_of(const std::vector<cs::float16> &v) {
    std::vector<uint16_t> out;
    for (cs::float16 h : v) out.push_back(h.bits());
    return out;
}

uint32_t float_bits(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}

// Finite values across float16's range and beyond: subnormal and normal ties of both parities,
// and a pseudo-random spread of magnitudes 2^-26 .. 2^16 with both signs.
std::vector<double> f16_sweep() {
    std::vector<double> v;
    for (int k = 0; k < 64; ++k) v.push_back(k * std::ldexp(1.0, -25));
    for (int k = 0; k < 64; ++k) v.push_back(1.0 + k * std::ldexp(1.0, -11));
    for (double x : {65504.0, 65519.0, 65520.0, 6.1e-5, 5.96e-8, std::ldexp(1.0, -14) - std::ldexp(1.0, -25)}) v.push_back(x);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 400; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const double mantissa = 1.0 + double(x >> 11) / double(uint64_t(1) << 53);
        v.push_back((x & 1 ? -1.0 : 1.0) * std::ldexp(mantissa, int(x % 42) - 26));
    }
    return v;
}

// ---- float16 ---------------------------------------------------------------------------------

TEST(CppDtypes, Float16ConvertsAsNumpyDoesBitForBit) {
    std::string out;
    ASSERT_EQ(testsupport::run_python("npz_half_oracle.py", {}, &out), 0) << out;
    std::istringstream lines(out);
    std::string kind, from, to;
    size_t checked[3] = {0, 0, 0};
    while (lines >> kind >> from >> to) {
        const uint64_t in = std::stoull(from, nullptr, 16), want = std::stoull(to, nullptr, 16);
        if (kind == "d") {
            double d;
            std::memcpy(&d, &in, 8);
            ASSERT_EQ(cs::float16(d).bits(), want) << "float64 " << from;
            ++checked[0];
        } else if (kind == "f") {
            const uint32_t b = uint32_t(in);
            float f;
            std::memcpy(&f, &b, 4);
            ASSERT_EQ(cs::float16(f).bits(), want) << "float32 " << from;
            ++checked[1];
        } else {
            const cs::float16 h = cs::float16::from_bits(uint16_t(in));
            ASSERT_EQ(float_bits(h.to_float()), want) << "float16 " << from;
            ASSERT_EQ(h.is_nan(), std::isnan(h.to_float())) << from;
            ++checked[2];
        }
    }
    EXPECT_GT(checked[0], 9000u);
    EXPECT_GT(checked[1], 9000u);
    EXPECT_EQ(checked[2], 65536u);
}

TEST(CppDtypes, Float16RoundTripsAndRoundsOnce) {
    for (uint32_t b = 0; b <= 0xffff; ++b) {
        const cs::float16 h = cs::float16::from_bits(uint16_t(b));
        ASSERT_EQ(cs::float16(h.to_float()).bits(), b);
        ASSERT_EQ(cs::float16(h.to_double()).bits(), b);
        if (!h.is_nan()) ASSERT_EQ(static_cast<double>(h), static_cast<double>(static_cast<float>(h))) << b;
    }
    // 1 + 2^-11 + 2^-30 is just above a tie: rounding to float first would land on the tie and
    // round down to even.
    EXPECT_EQ(cs::float16(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -30)).bits(), 0x3c01);
    EXPECT_EQ(cs::float16(std::ldexp(1.0, -25)).bits(), 0x0000);
    EXPECT_EQ(cs::float16(3 * std::ldexp(1.0, -25)).bits(), 0x0002);
    EXPECT_EQ(cs::float16(65520.0).bits(), 0x7c00);
    EXPECT_EQ(cs::float16().bits(), 0x0000);
    EXPECT_EQ(cs::float16::from_bits(0x7e00), cs::float16::from_bits(0x7e00));  // bitwise ==
    EXPECT_NE(cs::float16(0.0), cs::float16(-0.0));
    static_assert(cs::dtype_of<cs::float16>() == SER_FLOAT16);
    static_assert(sizeof(cs::float16) == 2 && std::is_trivially_copyable_v<cs::float16>);
}

TEST(CppDtypes, Float16TensorsWrittenAreWhatNumpyAndH5pyRead) {
    const std::string dir = testsupport::scratch_dir();
    const std::vector<double> sweep = f16_sweep();
    cs::Tensor<cs::float16> special({2, 4});
    for (size_t i = 0; i < kF16Special.size(); ++i) special.data[i] = cs::float16::from_bits(kF16Special[i]);
    cs::Tensor<cs::float16> rounded({int64_t(sweep.size())});
    for (size_t i = 0; i < sweep.size(); ++i) rounded.data[i] = cs::float16(sweep[i]);
    cs::Tensor<cs::float16> fortran({2, 3}, cs::float16(), SER_ORDER_F);  // a[i, j] = 3 i + j - 2.5
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j) fortran.data[size_t(j * 2 + i)] = cs::float16(float(3 * i + j) - 2.5f);
    for (const char *name : {"/h.npz", "/h.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        cs::Handle w = create(path);
        w.put("h/special", special);
        w.put("h/sweep", rounded);
        w.put("h/fortran", fortran);
        w.put("h/one", cs::Tensor<cs::float16>({}, cs::float16(1.0f)));
        w.close();

        // NumPy rounds each float64 to float16 itself: ours must agree on every value.
        check_entries(path, {{"h/special", "<f2", {2, 4}, "bits", bits_list(special.data)},
                             {"h/sweep", "<f2", {int64_t(sweep.size())}, "values", json_list(sweep, json_double)},
                             {"h/fortran", "<f2", {2, 3}, "values", "[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]"},
                             {"h/one", "<f2", {}, "values", "[1]"}});

        cs::Handle r = open_read(path);
        EXPECT_EQ(r.info("h/sweep").dtype, SER_FLOAT16);
        const cs::Tensor<cs::float16> got = r.get<cs::float16>("h/special");
        EXPECT_EQ(got.shape, (std::vector<int64_t>{2, 4}));
        EXPECT_EQ(bits_of(got.data), kF16Special);
        EXPECT_EQ(r.get<cs::float16>("h/sweep").data, rounded.data);
        EXPECT_EQ(r.get<cs::float16>("h/fortran", SER_ORDER_F).data, fortran.data);
        expect_error([&] { r.get<float>("h/one"); }, SER_EMISMATCH, "'h/one'");
        expect_error([&] { r.get<cs::float16>("h/nope"); }, SER_ENOTFOUND, "'h/nope'");
    }
}

// ---- strings and bytes -----------------------------------------------------------------------

TEST(CppDtypes, StringsAndBytesWrittenAreWhatNumpyAndH5pyRead) {
    const std::string dir = testsupport::scratch_dir();
    const std::string high("\xff\x80\x01", 3), nul_inside("ab\0c", 4);
    for (const char *name : {"/t.npz", "/t.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        cs::Handle w = create(path);
        cs::Handle s = w.child("s");
        s.put_strings("u", {2, 2}, kStrings);
        s.put_strings("with_empty", {3}, {"", "x", ""});
        s.put_strings("none_at_all", {0}, {});
        s.put_byte_strings("b", {3}, kByteStrings);
        s.put_byte_strings("b_scalar", {}, {"xyz"});
        w.put_bytes("bytes/nul_inside", nul_inside);
        w.put_bytes("bytes/high", high);
        w.put_bytes("bytes/empty", "");
        w.put_strings("s/nul_inside", {1}, {std::string("a\0b", 3)});  // HDF5: fixed-length UTF-8
        expect_error([&] { w.put_strings("s/short", {3}, {"a", "b"}); }, SER_EINVAL, "s/short");
        expect_error([&] { w.put_strings("s/bad", {2}, {"ok", "\xc3("}); }, SER_EINVAL, "element 1");
        expect_error([&] { w.put_strings("s/surrogate", {1}, {"\xed\xa0\x80"}); }, SER_EINVAL, "'s/surrogate'");
        expect_error([&] { w.put_strings("s/overlong", {1}, {"\xc0\xaf"}); }, SER_EINVAL, "'s/overlong'");
        s.reset();
        w.close();

        std::vector<Entry> entries = {
            {"s/u", "<U3", {2, 2}, "values", json_list(kStrings, json_str)},
            {"s/with_empty", "<U1", {3}, "values", "[\"\", \"x\", \"\"]"},
            {"s/none_at_all", "<U1", {0}, "values", "[]"},
            {"s/b", "|S4", {3}, "values", json_list(kByteStrings, json_hex)},
            {"s/b_scalar", "|S3", {}, "values", "[\"78797a\"]"},
            {"bytes/nul_inside", "|S4", {}, "values", "[\"61620063\"]"},
            {"bytes/high", "|S3", {}, "values", "[\"ff8001\"]"},
            {"bytes/empty", "|S1", {}, "values", "[\"\"]"},
            {"s/nul_inside", "<U3", {1}, "values", "[\"a\\u0000b\"]"},
        };
        check_entries(path, entries);

        cs::Handle r = open_read(path);
        const cs::Tensor<std::string> u = r.get_strings("s/u");
        ASSERT_TRUE(u.initialized);
        EXPECT_EQ(u.shape, (std::vector<int64_t>{2, 2}));
        EXPECT_EQ(u.data, kStrings);
        EXPECT_EQ(r.info("s/u").itemsize, 12u);
        EXPECT_EQ(r.get_strings("s/with_empty").data, (std::vector<std::string>{"", "x", ""}));
        EXPECT_TRUE(r.get_strings("s/none_at_all").data.empty());
        const cs::Tensor<std::string> b = r.get_byte_strings("s/b");
        EXPECT_EQ(b.shape, (std::vector<int64_t>{3}));
        EXPECT_EQ(b.data, kByteStrings);
        EXPECT_EQ(r.get_bytes("s/b_scalar"), "xyz");
        EXPECT_EQ(r.get_bytes("bytes/nul_inside"), nul_inside);
        EXPECT_EQ(r.get_bytes("bytes/high"), high);
        EXPECT_EQ(r.get_bytes("bytes/empty"), "");
        EXPECT_EQ(r.get_strings("s/nul_inside").data, (std::vector<std::string>{std::string("a\0b", 3)}));
        // Each call takes its own dtype only, and names the key.
        expect_error([&] { r.get_strings("s/b"); }, SER_EMISMATCH, "'s/b'");
        expect_error([&] { r.get_byte_strings("s/u"); }, SER_EMISMATCH, "'s/u'");
        expect_error([&] { r.get_bytes("s/u"); }, SER_EMISMATCH, "'s/u'");
        expect_error([&] { r.get_bytes("s/b"); }, SER_EMISMATCH, "'s/b'");
        expect_error([&] { r.get<uint32_t>("s/u"); }, SER_EMISMATCH, "'s/u'");
        expect_error([&] { r.get_strings("s/nope"); }, SER_ENOTFOUND, "s/nope");
    }
}

TEST(CppDtypes, NoneAndSkippedStringsReadAsUninitialised) {
    const std::string dir = testsupport::scratch_dir();
    for (const char *name : {"/n.npz", "/n.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        cs::Handle w = create(path);
        w.put_none("none");
        w.put_strings("skipped", {1}, {"x"});
        w.close();
        cs::LoadOptions o;
        o.ignore_names = {"skipped"};
        cs::Handle r = is_h5(path) ? cs::open_h5(path, o) : cs::open_npz(path, o);
        EXPECT_FALSE(r.get_strings("none").initialized);
        EXPECT_FALSE(r.get_byte_strings("none").initialized);
        EXPECT_EQ(r.get_bytes("none"), std::nullopt);
        EXPECT_FALSE(r.get_strings("skipped").initialized);
    }
}

TEST(CppDtypes, NumpyAndH5pyFilesReadAsNumpyReadsThem) {
    const std::string dir = testsupport::scratch_dir();
    for (const char *name : {"/fixture.npz", "/fixture.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        std::string out;
        ASSERT_EQ(testsupport::run_python(kChecks + "make_fixture.py", {path}, &out), 0) << out;
        cs::Handle r = open_read(path);
        const cs::Tensor<cs::float16> h = r.get<cs::float16>("f16");
        EXPECT_EQ(h.shape, (std::vector<int64_t>{2, 4}));
        EXPECT_EQ(bits_of(h.data), kF16Special);
        EXPECT_EQ(h.data[2].to_double(), 0.333251953125);
        EXPECT_TRUE(h.data[7].is_nan());
        EXPECT_EQ(h.data[5].to_float(), INFINITY);
        EXPECT_EQ(r.info("f16be").byteorder, SER_BIG);
        const cs::Tensor<cs::float16> be = r.get<cs::float16>("f16be");
        EXPECT_EQ(bits_of(be.data), (std::vector<uint16_t>{0x3e00, 0xc000, 0x0400}));
        // Column-major, as a Fortran array would hold NumPy's [[0, -0, 1/3, 65504], [2**-24, inf, -inf, nan]].
        EXPECT_EQ(bits_of(r.get<cs::float16>("f16", SER_ORDER_F).data),
                  (std::vector<uint16_t>{0x0000, 0x0001, 0x8000, 0x7c00, 0x3555, 0xfc00, 0x7bff, 0x7e00}));

        const cs::Tensor<std::string> u = r.get_strings("u");
        EXPECT_EQ(u.shape, (std::vector<int64_t>{2, 2}));
        EXPECT_EQ(u.data, kStrings);
        EXPECT_EQ(r.info("u").itemsize, 12u);
        EXPECT_EQ(r.get_byte_strings("s").data, kByteStrings);
        EXPECT_EQ(r.get_bytes("bytes"), std::string("ab\0c", 4));
        if (!is_h5(path)) EXPECT_EQ(r.get_strings("ube").data, (std::vector<std::string>{"hé", "x"}));

        // A safe cast widens float16 when asked to; without one the wrong type names the key.
        cs::Handle cast = open_read(path, SER_CAST_SAFE);
        EXPECT_EQ(cast.get<float>("f16be").data, (std::vector<float>{1.5f, -2.0f, std::ldexp(1.0f, -14)}));
        expect_error([&] { r.get<float>("f16"); }, SER_EMISMATCH, "'f16'");
        expect_error([&] { r.get_bytes("f16"); }, SER_EMISMATCH, "'f16'");
        expect_error([&] { r.get_strings("bytes"); }, SER_EMISMATCH, "'bytes'");
    }
}

// ---- every numeric dtype ----------------------------------------------------------------------

// all_dtypes.py's arrays, computed here: shape (2, 3), six values in C order.
const std::vector<int64_t> kDtShape = {2, 3};
const double kDtFloats[6] = {-0.0, -1.5, 0.25, 1024.0, 65504.0, 0x1p-24};
const double kDtImag[6] = {0.5, -0.5, 1.5, -1.5, 2.5, -2.5};

template <class T>
std::vector<T> dt_values() {
    using L = std::numeric_limits<T>;
    std::vector<T> v;
    for (int i = 0; i < 6; ++i) {
        if constexpr (std::is_same_v<T, bool>) v.push_back(i % 3 == 0);
        else if constexpr (std::is_same_v<T, cs::float16>) v.push_back(cs::float16(kDtFloats[i]));
        else if constexpr (std::is_floating_point_v<T>) v.push_back(T(kDtFloats[i]));
        else if constexpr (std::is_integral_v<T> && L::is_signed) v.push_back(std::array<T, 6>{L::min(), T(-1), 0, 1, 100, L::max()}[size_t(i)]);
        else if constexpr (std::is_integral_v<T>)
            v.push_back(std::array<T, 6>{0, 1, 100, T(T(1) << (L::digits - 1)), T(L::max() - 1), L::max()}[size_t(i)]);
        else v.push_back(T(typename T::value_type(kDtFloats[i]), typename T::value_type(kDtImag[i])));
    }
    return v;
}

// Bit for bit: -0.0 is not 0.0.
template <class T>
bool same_bits(T a, T b) {
    if constexpr (std::is_same_v<T, bool>) return a == b;
    else return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
bool same_bits(const std::vector<T> &a, const std::vector<T> &b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same_bits<T>(a[i], b[i])) return false;
    return true;
}

template <class... T>
struct DtList {};
using AllNumeric = DtList<bool, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, cs::float16,
                          float, double, std::complex<float>, std::complex<double>>;
const char *const kDtNames[] = {"bool",   "int8",    "int16",   "int32",   "int64",     "uint8",     "uint16",
                                "uint32", "uint64",  "float16", "float32", "float64",   "complex64", "complex128"};

template <class F, class... T>
void for_each_dtype(DtList<T...>, F &&f) {
    size_t i = 0;
    (f(T(), std::string("dt/") + kDtNames[i++]), ...);
}

TEST(CppDtypes, EveryNumericDtypeWrittenIsWhatNumpyAndH5pyRead) {
    const std::string dir = testsupport::scratch_dir();
    for (const char *name : {"/dt.npz", "/dt.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        cs::Handle w = create(path);
        for_each_dtype(AllNumeric(), [&](auto zero, const std::string &key) {
            using T = decltype(zero);
            cs::Tensor<T> t(kDtShape);
            t.data = dt_values<T>();
            w.put(key, t);
        });
        w.close();
        std::string out;
        EXPECT_EQ(testsupport::run_python(kChecks + "all_dtypes.py", {"check", path}, &out), 0) << out;

        cs::Handle r = open_read(path);
        for_each_dtype(AllNumeric(), [&](auto zero, const std::string &key) {
            using T = decltype(zero);
            EXPECT_EQ(r.info(key).dtype, cs::dtype_of<T>()) << key;
            const cs::Tensor<T> got = r.get<T>(key);
            EXPECT_EQ(got.shape, kDtShape) << key;
            EXPECT_TRUE(same_bits(got.data, dt_values<T>())) << key;
        });
    }
}

TEST(CppDtypes, EveryNumericDtypeNumpyAndH5pyWroteReadsAsNumpyReadsIt) {
    const std::string dir = testsupport::scratch_dir();
    for (const char *name : {"/dt_numpy.npz", "/dt_h5py.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        std::string out;
        ASSERT_EQ(testsupport::run_python(kChecks + "all_dtypes.py", {"make", path}, &out), 0) << out;
        cs::Handle r = open_read(path);
        for_each_dtype(AllNumeric(), [&](auto zero, const std::string &key) {
            using T = decltype(zero);
            const cs::ArrayInfo info = r.info(key);
            EXPECT_EQ(info.dtype, cs::dtype_of<T>()) << key;
            EXPECT_EQ(info.itemsize, sizeof(T)) << key;
            const cs::Tensor<T> got = r.get<T>(key);
            EXPECT_EQ(got.shape, kDtShape) << key;
            EXPECT_TRUE(same_bits(got.data, dt_values<T>())) << key;
            // Column-major: the same values in Fortran order, a[i, j] at j * 2 + i.
            const std::vector<T> want = dt_values<T>(), f = r.get<T>(key, SER_ORDER_F).data;
            ASSERT_EQ(f.size(), 6u) << key;
            for (size_t i = 0; i < 2; ++i)
                for (size_t j = 0; j < 3; ++j)
                    EXPECT_TRUE(same_bits<T>(f[j * 2 + i], want[i * 3 + j])) << key;
        });
        expect_error([&] { r.get<int16_t>("dt/int32"); }, SER_EMISMATCH, "'dt/int32'");
    }
}

}  // namespace
