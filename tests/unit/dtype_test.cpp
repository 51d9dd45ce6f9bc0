// The dtype table: descr strings both ways, and casting rules against numpy.can_cast.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/dtype.h"
#include "support/npz_helpers.h"

namespace {

using namespace chainerser::core;

struct DescrCase {
    const char *descr;
    ser_dtype dtype;
    ser_byteorder order;
    size_t itemsize;
    const char *canonical;  // numpy's dtype.str for it (little-endian machine)
};

TEST(DType, ParseDescrAndDescrOf) {
    const DescrCase cases[] = {
        {"|b1", SER_BOOL, SER_BYTEORDER_NA, 1, "|b1"},     {"?", SER_BOOL, SER_BYTEORDER_NA, 1, "|b1"},
        {"bool", SER_BOOL, SER_BYTEORDER_NA, 1, "|b1"},    {"|i1", SER_INT8, SER_BYTEORDER_NA, 1, "|i1"},
        {"<i2", SER_INT16, SER_LITTLE, 2, "<i2"},          {"<i4", SER_INT32, SER_LITTLE, 4, "<i4"},
        {"<i8", SER_INT64, SER_LITTLE, 8, "<i8"},          {"|u1", SER_UINT8, SER_BYTEORDER_NA, 1, "|u1"},
        {">u2", SER_UINT16, SER_BIG, 2, ">u2"},            {"<u4", SER_UINT32, SER_LITTLE, 4, "<u4"},
        {">u8", SER_UINT64, SER_BIG, 8, ">u8"},            {"<f2", SER_FLOAT16, SER_LITTLE, 2, "<f2"},
        {"<f4", SER_FLOAT32, SER_LITTLE, 4, "<f4"},        {"<f8", SER_FLOAT64, SER_LITTLE, 8, "<f8"},
        {"=f8", SER_FLOAT64, SER_LITTLE, 8, "<f8"},        {"f8", SER_FLOAT64, SER_LITTLE, 8, "<f8"},
        {"float64", SER_FLOAT64, SER_LITTLE, 8, "<f8"},    {"float16", SER_FLOAT16, SER_LITTLE, 2, "<f2"},
        {"int8", SER_INT8, SER_BYTEORDER_NA, 1, "|i1"},    {"uint64", SER_UINT64, SER_LITTLE, 8, "<u8"},
        {">f8", SER_FLOAT64, SER_BIG, 8, ">f8"},           {"<c8", SER_COMPLEX64, SER_LITTLE, 8, "<c8"},
        {">c16", SER_COMPLEX128, SER_BIG, 16, ">c16"},     {"complex64", SER_COMPLEX64, SER_LITTLE, 8, "<c8"},
        {"<U5", SER_UNICODE, SER_LITTLE, 20, "<U5"},       {">U5", SER_UNICODE, SER_BIG, 20, ">U5"},
        {"<U1", SER_UNICODE, SER_LITTLE, 4, "<U1"},        {"|S3", SER_BYTES, SER_BYTEORDER_NA, 3, "|S3"},
        {"S3", SER_BYTES, SER_BYTEORDER_NA, 3, "|S3"},     {"|O", SER_NONE, SER_BYTEORDER_NA, 0, "|O"},
        {"|O8", SER_NONE, SER_BYTEORDER_NA, 0, "|O"},      {"<i1", SER_INT8, SER_BYTEORDER_NA, 1, "|i1"},
    };
    ASSERT_EQ(native_byteorder(), SER_LITTLE) << "the canonical column assumes a little-endian machine";
    for (const DescrCase &c : cases) {
        SCOPED_TRACE(c.descr);
        ElementType t;
        ASSERT_TRUE(parse_descr(c.descr, t));
        EXPECT_EQ(t.dtype, c.dtype);
        EXPECT_EQ(t.byteorder, c.order);
        EXPECT_EQ(t.itemsize, c.itemsize);
        EXPECT_EQ(descr_of(t), c.canonical);
    }
}

TEST(DType, ParseDescrRefusesOtherTypes) {
    for (const char *d : {"<f16", "<c32", "|V4", "<M8[ns]", "<m8[s]", "|O4", "<U", "", "<", "<x4", "<f3", "<i16", "float128"}) {
        ElementType t;
        EXPECT_FALSE(parse_descr(d, t)) << d;
    }
}

TEST(DType, CanCastAgreesWithNumPy) {
    const std::map<std::string, ser_dtype> numeric = {
        {"bool", SER_BOOL},       {"int8", SER_INT8},       {"int16", SER_INT16},     {"int32", SER_INT32},
        {"int64", SER_INT64},     {"uint8", SER_UINT8},     {"uint16", SER_UINT16},   {"uint32", SER_UINT32},
        {"uint64", SER_UINT64},   {"float16", SER_FLOAT16}, {"float32", SER_FLOAT32}, {"float64", SER_FLOAT64},
        {"complex64", SER_COMPLEX64}, {"complex128", SER_COMPLEX128}};
    std::vector<std::string> names;
    for (const auto &kv : numeric) names.push_back(kv.first);
    std::istringstream table(testsupport::python_ok("npz_dtype_oracle.py", names));
    std::string from, to;
    int safe, same_kind;
    size_t pairs = 0;
    while (table >> from >> to >> safe >> same_kind) {
        ser_dtype f = numeric.at(from), t = numeric.at(to);
        EXPECT_EQ(can_cast(f, t, SER_CAST_SAFE), safe != 0) << from << " -> " << to << " safe";
        EXPECT_EQ(can_cast(f, t, SER_CAST_SAME_KIND), same_kind != 0) << from << " -> " << to << " same_kind";
        EXPECT_EQ(can_cast(f, t, SER_CAST_NO), f == t) << from << " -> " << to << " no";
        ++pairs;
    }
    EXPECT_EQ(pairs, names.size() * names.size());
}

TEST(DType, TextAndNoneCastOnlyToThemselves) {
    for (ser_cast rule : {SER_CAST_NO, SER_CAST_SAFE, SER_CAST_SAME_KIND}) {
        EXPECT_FALSE(can_cast(SER_UNICODE, SER_BYTES, rule));
        EXPECT_FALSE(can_cast(SER_BYTES, SER_UNICODE, rule));
        EXPECT_FALSE(can_cast(SER_FLOAT32, SER_UNICODE, rule));
        EXPECT_FALSE(can_cast(SER_NONE, SER_FLOAT32, rule));
        EXPECT_FALSE(can_cast(SER_INT8, SER_NONE, rule));
        EXPECT_TRUE(can_cast(SER_UNICODE, SER_UNICODE, rule));
    }
}

}  // namespace
