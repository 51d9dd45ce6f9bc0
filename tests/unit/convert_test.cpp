// Conversions: float16 against numpy's astype, C and Fortran order both ways, byte swaps, casts.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "core/convert.h"
#include "support/npz_helpers.h"

namespace {

using namespace chainerser::core;

template <class To, class From>
To bits(From v) {
    static_assert(sizeof(To) == sizeof(From), "same size");
    To t;
    std::memcpy(&t, &v, sizeof t);
    return t;
}

TEST(Convert, Float16MatchesNumPyAstype) {
    std::istringstream lines(testsupport::python_ok("npz_half_oracle.py", {}));
    std::string kind, in_hex, out_hex;
    size_t counts[3] = {0, 0, 0}, failures = 0;
    while (lines >> kind >> in_hex >> out_hex) {
        uint64_t in = std::stoull(in_hex, nullptr, 16), want = std::stoull(out_hex, nullptr, 16);
        uint64_t got;
        if (kind == "d") {
            got = double_to_half(bits<double>(in));
            ++counts[0];
        } else if (kind == "f") {
            // The path a read takes: a float32 buffer cast to float16.
            uint32_t f = uint32_t(in);
            uint16_t h;
            cast_elements(&f, SER_FLOAT32, &h, SER_FLOAT16, 1);
            got = h;
            ++counts[1];
        } else if (kind == "h") {
            got = bits<uint32_t>(half_to_float(uint16_t(in)));
            ++counts[2];
        } else {
            continue;
        }
        if (got != want && ++failures <= 20)
            ADD_FAILURE() << kind << " " << in_hex << ": numpy gives " << out_hex << ", library " << std::hex << got;
    }
    EXPECT_EQ(failures, 0u);
    EXPECT_GT(counts[0], 9000u);
    EXPECT_GT(counts[1], 9000u);
    EXPECT_EQ(counts[2], 65536u);
}

// The element at C-order index (i0, i1, ...) gets a value that encodes its index.
int32_t tag(const std::vector<int64_t> &idx) {
    int32_t v = 0;
    for (int64_t i : idx) v = v * 100 + int32_t(i);
    return v;
}

void check_fortran_to_c(const std::vector<int64_t> &shape) {
    size_t n = 1;
    for (int64_t d : shape) n *= size_t(d);
    std::vector<int32_t> f(n), c(n, -1);
    std::vector<int64_t> idx(shape.size(), 0);
    for (size_t k = 0; k < n; ++k) {
        // Column-major offset: the first index varies fastest.
        size_t off = 0, stride = 1;
        for (size_t a = 0; a < shape.size(); ++a) off += size_t(idx[a]) * stride, stride *= size_t(shape[a]);
        f[off] = tag(idx);
        for (size_t a = shape.size(); a-- > 0;)  // advance idx in C order
            if (++idx[a] < shape[a]) break;
            else idx[a] = 0;
    }
    fortran_to_c(f.data(), c.data(), shape, sizeof(int32_t));
    std::fill(idx.begin(), idx.end(), 0);
    for (size_t k = 0; k < n; ++k) {
        EXPECT_EQ(c[k], tag(idx)) << "C index " << k;
        for (size_t a = shape.size(); a-- > 0;)
            if (++idx[a] < shape[a]) break;
            else idx[a] = 0;
    }
}

TEST(Convert, FortranToC) {
    check_fortran_to_c({2, 3});
    check_fortran_to_c({3, 2});
    check_fortran_to_c({2, 3, 4});
    check_fortran_to_c({4, 1, 5});
    check_fortran_to_c({2, 2, 2, 3});
    check_fortran_to_c({2, 0, 3});
}

// Both directions against the element-by-element definition, for any item size: element
// (i0, ..., in) holds its C-order index, written into `itemsize` bytes.
void check_both_orders(const std::vector<int64_t> &shape, size_t itemsize) {
    size_t n = 1;
    for (int64_t d : shape) n *= size_t(d);
    std::vector<unsigned char> c(n * itemsize), f(n * itemsize), back(n * itemsize, 0xAB);
    std::vector<int64_t> idx(shape.size(), 0);
    for (size_t k = 0; k < n; ++k) {
        size_t off = 0, stride = 1;
        for (size_t a = 0; a < shape.size(); ++a) off += size_t(idx[a]) * stride, stride *= size_t(shape[a]);
        for (size_t b = 0; b < itemsize; ++b) c[k * itemsize + b] = f[off * itemsize + b] = (unsigned char)((k >> (8 * (b % 8))) + b);
        for (size_t a = shape.size(); a-- > 0;)
            if (++idx[a] < shape[a]) break;
            else idx[a] = 0;
    }
    std::vector<unsigned char> out(n * itemsize, 0xCD);
    c_to_fortran(c.data(), out.data(), shape, itemsize);
    EXPECT_TRUE(out == f) << "c_to_fortran, itemsize " << itemsize;
    fortran_to_c(f.data(), back.data(), shape, itemsize);
    EXPECT_TRUE(back == c) << "fortran_to_c, itemsize " << itemsize;
}

TEST(Convert, BothOrdersInCacheBlocks) {
    // Large enough to be split into many blocks, with odd extents, axes of 1 and every item size
    // class (the fixed-size copies and the generic one).
    for (size_t itemsize : {1, 2, 3, 4, 8, 16, 20}) {
        check_both_orders({300, 257}, itemsize);
        check_both_orders({7, 1, 129, 33}, itemsize);
        check_both_orders({2, 500, 3, 2}, itemsize);
    }
    check_both_orders({1, 1000}, 4);
    check_both_orders({1000}, 8);
    check_both_orders({}, 8);
    check_both_orders({3, 0, 4}, 4);
    check_both_orders({2, 3, 2, 3, 2, 3, 2}, 2);
}

TEST(Convert, ConvertArrayTransposesSwapsAndCasts) {
    // A big-endian, column-major (2, 3) int16 array read into a float64 C-order buffer.
    ArrayMeta m;
    ASSERT_TRUE(parse_descr(">i2", m.type));
    m.shape = {2, 3};
    m.fortran_order = true;
    const int16_t c_values[6] = {1, -2, 300, -4000, 5, 32767};
    unsigned char stored[12];
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) {
            uint16_t v = uint16_t(c_values[i * 3 + j]);
            int off = (j * 2 + i) * 2;
            stored[off] = uint8_t(v >> 8), stored[off + 1] = uint8_t(v & 0xff);
        }
    double out[6];
    convert_array(m, stored, SER_FLOAT64, false, out);
    for (int k = 0; k < 6; ++k) EXPECT_EQ(out[k], double(c_values[k])) << k;
}

TEST(Convert, ByteSwaps) {
    struct Case {
        const char *descr;
        size_t unit;
    };
    for (Case c : {Case{">i2", 2}, Case{">u4", 4}, Case{">i8", 8}, Case{">f8", 8}, Case{">c8", 4}, Case{">c16", 8},
                   Case{">U3", 4}, Case{"|u1", 1}, Case{"|S5", 1}}) {
        SCOPED_TRACE(c.descr);
        ElementType t;
        ASSERT_TRUE(parse_descr(c.descr, t));
        std::vector<unsigned char> data(t.itemsize * 3), expected(data.size());
        for (size_t k = 0; k < data.size(); ++k) data[k] = uint8_t(k * 7 + 1);
        for (size_t k = 0; k < data.size(); ++k) {
            size_t base = k / c.unit * c.unit, within = k % c.unit;
            expected[k] = data[base + c.unit - 1 - within];
        }
        byteswap_inplace(data.data(), 3, t);
        EXPECT_EQ(data, expected);
    }
}

TEST(Convert, IntegerCastsKeepValues) {
    const int64_t v[3] = {-(int64_t(1) << 60), -1, 123456789};
    double d[3];
    cast_elements(v, SER_INT64, d, SER_FLOAT64, 3);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(d[k], double(v[k]));
    const uint8_t u[3] = {0, 200, 255};
    int16_t s[3];
    cast_elements(u, SER_UINT8, s, SER_INT16, 3);
    EXPECT_EQ(s[1], 200);
    EXPECT_EQ(s[2], 255);
    const unsigned char b[3] = {0, 1, 1};
    float f[3];
    cast_elements(b, SER_BOOL, f, SER_FLOAT32, 3);
    EXPECT_EQ(f[0], 0.0f);
    EXPECT_EQ(f[1], 1.0f);
}

}  // namespace
