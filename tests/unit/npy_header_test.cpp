// The .npy header codec: byte-exact against NumPy's writer, and a strict reader.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "npz/npy_header.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace chainerser::core;

ArrayMeta meta_of(const std::string &descr, bool fortran, std::vector<int64_t> shape) {
    ArrayMeta m;
    EXPECT_TRUE(parse_descr(descr, m.type)) << descr;
    m.fortran_order = fortran;
    m.shape = std::move(shape);
    return m;
}

std::string to_hex(const std::string &bytes) {
    static const char d[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) out += d[c >> 4], out += d[c & 15];
    return out;
}

struct HeaderCase {
    std::string descr;
    bool fortran;
    std::vector<int64_t> shape;
};

TEST(NpyHeaderEncode, ByteExactAgainstNumPy) {
    const int64_t big = int64_t(1) << 40;
    std::vector<HeaderCase> cases = {
        {"<f8", false, {3}}, {"<f4", false, {2, 3}}, {"<f4", true, {2, 3}}, {"<f8", true, {2, 3, 4}},
        {"|b1", false, {}}, {"|i1", false, {7}}, {"<i2", false, {1, 1}}, {"<i4", false, {0}}, {"<i8", false, {}},
        {"|u1", false, {255}}, {"<u2", false, {2, 0, 3}}, {"<u4", true, {5, 6}}, {"<u8", false, {10, 11, 12}},
        {"<f2", false, {1000}}, {"<c8", false, {4, 4}}, {"<c16", true, {3, 7}}, {">f8", false, {3}},
        {">i4", true, {9, 2}}, {">c8", false, {}}, {"<U5", false, {}}, {">U12", false, {2}}, {"|S3", false, {4}},
        {"|O", false, {}}, {"<f8", false, {big}}, {"<f8", true, {3, big}}, {"<f8", false, {big, big / 2, 3}},
        {"<i8", false, {999999999999999999}}, {"<f4", false, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}},
        // Lengths around the 64-byte boundary, where the padding would otherwise be 0.
        {"<f8", false, {1}}, {"<f8", false, {10}}, {"<f8", false, {123456}}, {"<f8", false, {1, 2, 3, 4, 5}},
        {"<f8", false, {12, 34, 56, 78, 9, 10}}, {"<f8", false, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
    };
    std::string table;
    for (const HeaderCase &c : cases) {
        table += c.descr + ";" + (c.fortran ? "1" : "0") + ";";
        for (size_t i = 0; i < c.shape.size(); ++i) table += (i ? "," : "") + std::to_string(c.shape[i]);
        table += "\n";
    }
    const std::string input = testsupport::scratch_dir() + "/cases.txt";
    testsupport::write_file(input, table);
    std::vector<std::string> expected = testsupport::split(testsupport::python_ok("npz_header_oracle.py", {input}), '\n');
    ASSERT_GE(expected.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        const HeaderCase &c = cases[i];
        SCOPED_TRACE(c.descr + " case " + std::to_string(i));
        std::string header = encode_npy_header(meta_of(c.descr, c.fortran, c.shape));
        EXPECT_EQ(to_hex(header), expected[i]);
        EXPECT_EQ(header.size() % 64, 0u);
    }
}

TEST(NpyHeaderEncode, WorkedExampleIs128Bytes) {
    // npy-npz-hdf5-format.md §3: 58 chars + 20 growth spaces, hlen 79, padlen 39 -> 128.
    std::string h = encode_npy_header(meta_of("<f8", false, {3}));
    ASSERT_EQ(h.size(), 128u);
    const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    EXPECT_EQ(h.substr(10, dict.size()), dict);
    // 21 - len('3') growth spaces, then the padding, then '\n'.
    EXPECT_EQ(h.substr(10 + dict.size(), 20), std::string(20, ' '));
    EXPECT_EQ(h.back(), '\n');
    EXPECT_EQ(uint8_t(h[8]) | uint8_t(h[9]) << 8, 118);
}

NpyHeader decode(const std::string &bytes, uint64_t max_header = 10000) {
    return decode_npy_header(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(), max_header);
}

// A header with any dict text, version and length field, without padding unless given.
std::string raw_header(const std::string &dict, int major = 1, int minor = 0) {
    std::string h = "\x93NUMPY";
    h += char(major);
    h += char(minor);
    size_t n = dict.size();
    int len_bytes = major == 1 ? 2 : 4;
    for (int k = 0; k < len_bytes; ++k) h += char((n >> (8 * k)) & 0xff);
    return h + dict;
}

int decode_error(const std::string &bytes, uint64_t max_header = 10000) {
    try {
        decode(bytes, max_header);
    } catch (const Error &e) {
        return e.code();
    }
    return SER_OK;
}

TEST(NpyHeaderDecode, ReadsWhatItWrites) {
    ArrayMeta m = meta_of(">c16", true, {3, 7});
    NpyHeader h = decode(encode_npy_header(m));
    EXPECT_EQ(h.meta.type, m.type);
    EXPECT_TRUE(h.meta.fortran_order);
    EXPECT_EQ(h.meta.shape, (std::vector<int64_t>{3, 7}));
    EXPECT_EQ(h.data_offset, 128u);
}

TEST(NpyHeaderDecode, Versions1To3) {
    const std::string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
    for (int major : {1, 2, 3}) {
        SCOPED_TRACE(major);
        NpyHeader h = decode(raw_header(dict, major));
        EXPECT_EQ(h.major, major);
        EXPECT_EQ(h.meta.type.dtype, SER_INT32);
        EXPECT_EQ(h.meta.shape, (std::vector<int64_t>{2, 3}));
        EXPECT_EQ(h.data_offset, (major == 1 ? 10u : 12u) + dict.size());
    }
}

TEST(NpyHeaderDecode, AnyKeyOrderQuotesAndSpacing) {
    NpyHeader h = decode(raw_header("{\"shape\":(4,),\"fortran_order\":True,\"descr\":\">f4\"}"));
    EXPECT_EQ(h.meta.type.dtype, SER_FLOAT32);
    EXPECT_EQ(h.meta.type.byteorder, SER_BIG);
    EXPECT_EQ(h.meta.shape, (std::vector<int64_t>{4}));
    EXPECT_TRUE(h.meta.fortran_order);
    h = decode(raw_header("{ 'fortran_order' : False ,\t'shape' : ( 2 , 3 ) , 'descr' : '<u2' }   \n"));
    EXPECT_EQ(h.meta.type.dtype, SER_UINT16);
    EXPECT_EQ(h.meta.shape, (std::vector<int64_t>{2, 3}));
    h = decode(raw_header("{'descr': '|b1', 'fortran_order': False, 'shape': ()}"));  // no padding, no newline
    EXPECT_TRUE(h.meta.shape.empty());
    EXPECT_EQ(h.meta.type.dtype, SER_BOOL);
}

TEST(NpyHeaderDecode, PythonTwoLongSuffixesInVersions1And2) {
    for (int major : {1, 2}) {
        NpyHeader h = decode(raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }", major));
        EXPECT_EQ(h.meta.shape, (std::vector<int64_t>{3, 4}));
    }
    // numpy only retries without 'L' for 1.0 and 2.0 headers.
    EXPECT_EQ(decode_error(raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }", 3)), SER_EFORMAT);
}

TEST(NpyHeaderDecode, RejectsWhatNumPyRejects) {
    struct Bad {
        const char *what;
        std::string header;
        int code;
    };
    std::string dims33 = "(";
    for (int i = 0; i < 33; ++i) dims33 += "1, ";
    dims33 += ")";
    const std::vector<Bad> cases = {
        {"extra key", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}"), SER_EFORMAT},
        {"missing key", raw_header("{'descr': '<f8', 'shape': (3,)}"), SER_EFORMAT},
        {"list shape", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': [3]}"), SER_EFORMAT},
        {"non-bool fortran_order", raw_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}"), SER_EFORMAT},
        {"(3) is not a tuple", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3)}"), SER_EFORMAT},
        {"negative dim", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}"), SER_EFORMAT},
        {"33 dims", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': " + dims33 + "}"), SER_EUNSUPPORTED},
        {"bad magic", "\x93NUMPX" + raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}").substr(6),
         SER_EFORMAT},
        {"version 4.0", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", 4), SER_EFORMAT},
        {"version 1.1", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", 1, 1), SER_EFORMAT},
        {"unknown descr", raw_header("{'descr': '<q7', 'fortran_order': False, 'shape': (3,)}"), SER_EUNSUPPORTED},
        {"datetime descr", raw_header("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (3,)}"), SER_EUNSUPPORTED},
        {"longdouble", raw_header("{'descr': '<f16', 'fortran_order': False, 'shape': (3,)}"), SER_EUNSUPPORTED},
        {"structured descr",
         raw_header("{'descr': [('x', '<f4'), ('y', '<i8', (2,))], 'fortran_order': False, 'shape': (3,)}"),
         SER_EUNSUPPORTED},
        {"not a dict", raw_header("['descr', '<f8']"), SER_EFORMAT},
        {"trailing garbage", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x"), SER_EFORMAT},
        {"truncated", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}").substr(0, 40), SER_EFORMAT},
        {"too short for a preamble", std::string("\x93NUMPY\x01", 7), SER_EFORMAT},
    };
    for (const Bad &b : cases) EXPECT_EQ(decode_error(b.header), b.code) << b.what;
}

TEST(NpyHeaderDecode, HeaderLongerThanTheLimitIsRefusedBeforeParsing) {
    std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + std::string(20000, ' ') + "\n";
    EXPECT_EQ(decode_error(raw_header(dict, 2)), SER_ELIMIT);
    EXPECT_EQ(decode_error(raw_header(dict, 2), 30000), SER_OK);
    // The preamble alone is enough to refuse: the 4 GiB length field is never read past.
    std::string huge = "\x93NUMPY\x02";
    huge += std::string("\x00\xff\xff\xff\xff", 5);
    EXPECT_THROW(npy_data_offset(reinterpret_cast<const unsigned char *>(huge.data()), huge.size(), 10000), Error);
}

}  // namespace
