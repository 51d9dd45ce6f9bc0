// The NPZ behaviours of Chainer's own serializer tests (docs: chainer-test-checklist.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

std::string from_hex(const std::string &hex) {
    std::string out;
    for (size_t k = 0; k + 1 < hex.size(); k += 2) out += char(std::stoi(hex.substr(k, 2), nullptr, 16));
    return out;
}

struct ChainerFile {
    std::string dir;
    std::string y, y16;  // raw float32 / float16 bytes numpy reports
};

const ChainerFile &chainer_file() {
    static ChainerFile f = [] {
        ChainerFile c;
        c.dir = scratch_dir();
        for (const std::string &line : split(python_ok("npz_chainer_file.py", {c.dir}), '\n')) {
            std::vector<std::string> kv = split(line, ' ');
            if (kv.size() == 2 && kv[0] == "y") c.y = from_hex(kv[1]);
            if (kv.size() == 2 && kv[0] == "y16") c.y16 = from_hex(kv[1]);
        }
        return c;
    }();
    return f;
}

// Both variants of the file, as the checklist asks.
class NpzChainerRead : public ::testing::TestWithParam<const char *> {
protected:
    std::string path() const { return chainer_file().dir + "/" + GetParam(); }
    Handle open(const ser_options *o = nullptr) const { return open_npz(path(), SER_READ, o); }
};

const int64_t kShape23[2] = {2, 3};

TEST_P(NpzChainerRead, ChildPathsStripSlashes) {
    Handle r = open();
    for (const char *name : {"x", "/x/", "//x"}) {
        Handle c = child_of(r.get(), name);
        const char *p = nullptr;
        ASSERT_EQ(ser_get_path(&p, c.get()), SER_OK);
        EXPECT_STREQ(p, "x/") << name;
    }
}

TEST_P(NpzChainerRead, ReadsYIntoAFloat32Buffer) {
    Handle r = open();
    for (const char *key : {"y", "/y"}) {
        float buf[6];
        int32_t outcome = -1;
        ASSERT_EQ(ser_get_array(&outcome, r.get(), key, SER_FLOAT32, 2, kShape23, buf, sizeof buf), SER_OK) << errmsg();
        EXPECT_EQ(outcome, SER_LOADED);
        EXPECT_EQ(std::string(reinterpret_cast<char *>(buf), sizeof buf), chainer_file().y) << key;
    }
}

TEST_P(NpzChainerRead, Float32IntoFloat16IsNumPysAstypeUnderSameKind) {
    uint16_t buf[6];
    int32_t outcome = -1;
    {
        Handle r = open();  // default SER_CAST_NO
        EXPECT_EQ(ser_get_array(&outcome, r.get(), "y", SER_FLOAT16, 2, kShape23, buf, sizeof buf), SER_EMISMATCH);
        EXPECT_NE(errmsg().find("'y'"), std::string::npos) << errmsg();
    }
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.cast = SER_CAST_SAFE;  // float32 -> float16 is not a safe cast
    EXPECT_EQ(ser_get_array(&outcome, open(&o).get(), "y", SER_FLOAT16, 2, kShape23, buf, sizeof buf), SER_EMISMATCH);
    o.cast = SER_CAST_SAME_KIND;
    ASSERT_EQ(ser_get_array(&outcome, open(&o).get(), "y", SER_FLOAT16, 2, kShape23, buf, sizeof buf), SER_OK) << errmsg();
    EXPECT_EQ(std::string(reinterpret_cast<char *>(buf), sizeof buf), chainer_file().y16);
}

TEST_P(NpzChainerRead, IntegersIntoInt) {
    Handle r = open();
    int64_t v = 5;
    int32_t outcome = -1;
    ASSERT_EQ(ser_get_int64(&v, &outcome, r.get(), "z"), SER_OK) << errmsg();
    EXPECT_EQ(v, 10);
    EXPECT_EQ(outcome, SER_LOADED);
    ASSERT_EQ(ser_get_int64(&v, &outcome, r.get(), "zi64"), SER_OK) << errmsg();
    EXPECT_EQ(v, -(int64_t(1) << 60));
}

TEST_P(NpzChainerRead, UnsafeScalarReadsAreRefused) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.cast = SER_CAST_SAFE;
    Handle r = open(&o);
    uint32_t u = 7;
    EXPECT_EQ(ser_get_array(nullptr, r.get(), "zi64", SER_UINT32, 0, nullptr, &u, sizeof u), SER_EMISMATCH);
    EXPECT_EQ(u, 7u);
    int64_t v = 5;
    EXPECT_EQ(ser_get_int64(&v, nullptr, r.get(), "zf32"), SER_EMISMATCH);
    EXPECT_NE(errmsg().find("zf32"), std::string::npos) << errmsg();
    EXPECT_EQ(v, 5);
}

TEST_P(NpzChainerRead, NoneLeavesTheBufferAlone) {
    Handle r = open();
    float buf[6] = {1, 2, 3, 4, 5, 6};
    int32_t outcome = -1;
    for (const char *key : {"w", "x/"}) {
        ASSERT_EQ(ser_get_array(&outcome, r.get(), key, SER_FLOAT32, 2, kShape23, buf, sizeof buf), SER_OK) << errmsg();
        EXPECT_EQ(outcome, SER_WAS_NONE) << key;
    }
    EXPECT_EQ(buf[0], 1.0f);
    EXPECT_EQ(buf[5], 6.0f);
    ser_array_info info{};
    ASSERT_EQ(ser_get_info(&info, r.get(), "w"), SER_OK);
    EXPECT_EQ(info.dtype, SER_NONE);
}

TEST_P(NpzChainerRead, MissingKeyStrictAndNonStrict) {
    float buf[6] = {9, 9, 9, 9, 9, 9};
    int32_t outcome = -1;
    Handle strict = open();  // kept open: closing clears the thread's message
    EXPECT_EQ(ser_get_array(&outcome, strict.get(), "nope", SER_FLOAT32, 2, kShape23, buf, sizeof buf), SER_ENOTFOUND);
    EXPECT_NE(errmsg().find(GetParam()), std::string::npos) << errmsg();
    EXPECT_NE(errmsg().find("nope"), std::string::npos) << errmsg();
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.strict = 0;
    ASSERT_EQ(ser_get_array(&outcome, open(&o).get(), "nope", SER_FLOAT32, 2, kShape23, buf, sizeof buf), SER_OK);
    EXPECT_EQ(outcome, SER_SKIP_MISSING);
    EXPECT_EQ(buf[0], 9.0f);
}

int ignore_full_key(const char *key, void *ctx) { return std::strcmp(key, static_cast<const char *>(ctx)) == 0; }

TEST_P(NpzChainerRead, IgnoreNamesAsListCallbackAndBoth) {
    const int64_t shape21[2] = {2, 1};  // the file's (2, 3) would not fit: ignoring must win
    for (int variant = 0; variant < 3; ++variant) {
        SCOPED_TRACE(variant);
        const char *names[] = {"other", "yy"};
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        if (variant != 1) o.ignore_names = names, o.ignore_count = 2;
        if (variant != 0) o.ignore_fn = ignore_full_key, o.ignore_ctx = const_cast<char *>("yy");
        Handle r = open(&o);
        float buf[2] = {4, 4};
        int32_t outcome = -1;
        ASSERT_EQ(ser_get_array(&outcome, r.get(), "yy", SER_FLOAT32, 2, shape21, buf, sizeof buf), SER_OK) << errmsg();
        EXPECT_EQ(outcome, SER_SKIP_IGNORED);
        EXPECT_EQ(buf[0], 4.0f);
        float y[6];  // other keys still load
        ASSERT_EQ(ser_get_array(&outcome, r.get(), "y", SER_FLOAT32, 2, kShape23, y, sizeof y), SER_OK) << errmsg();
        EXPECT_EQ(outcome, SER_LOADED);
    }
}

TEST_P(NpzChainerRead, IgnoreNamesMatchFullKeysIncludingThePath) {
    const int64_t shape21[2] = {2, 1};
    float buf[2] = {4, 4};
    int32_t outcome = -1;
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.path = "p/";
    const char *relative[] = {"yy"};
    o.ignore_names = relative, o.ignore_count = 1;
    EXPECT_EQ(ser_get_array(&outcome, open(&o).get(), "yy", SER_FLOAT32, 2, shape21, buf, sizeof buf), SER_EMISMATCH);
    const char *full[] = {"p/yy"};
    o.ignore_names = full;
    ASSERT_EQ(ser_get_array(&outcome, open(&o).get(), "yy", SER_FLOAT32, 2, shape21, buf, sizeof buf), SER_OK) << errmsg();
    EXPECT_EQ(outcome, SER_SKIP_IGNORED);
    o.ignore_names = nullptr, o.ignore_count = 0;
    o.ignore_fn = ignore_full_key, o.ignore_ctx = const_cast<char *>("p/yy");
    ASSERT_EQ(ser_get_array(&outcome, open(&o).get(), "yy", SER_FLOAT32, 2, shape21, buf, sizeof buf), SER_OK) << errmsg();
    EXPECT_EQ(outcome, SER_SKIP_IGNORED);
}

INSTANTIATE_TEST_SUITE_P(SavezAndCompressed, NpzChainerRead, ::testing::Values("savez.npz", "savez_compressed.npz"));

// numpy's view of a file: "key descr shape summary" lines (tests/python/npz_dump.py).
std::set<std::string> numpy_lines(const std::string &path) {
    std::set<std::string> lines;
    for (const std::string &l : split(python_ok("npz_dump.py", {path}), '\n'))
        if (!l.empty()) lines.insert(l);
    return lines;
}

TEST(NpzChainerWrite, SerializerKeysAsChainerWritesThem) {
    const std::string path = scratch_dir() + "/w.npz";
    {
        Handle w = open_npz(path, SER_WRITE);
        for (const char *name : {"x", "/x/"}) {
            Handle c = child_of(w.get(), name);
            const char *p = nullptr;
            ASSERT_EQ(ser_get_path(&p, c.get()), SER_OK);
            EXPECT_STREQ(p, "x/");
        }
        const float data[6] = {0, 1, 2, 3, 4, 5};
        ASSERT_EQ(ser_put_array(w.get(), "/w", SER_FLOAT32, 2, kShape23, data, sizeof data), SER_OK) << errmsg();
        ASSERT_EQ(ser_put_int64(w.get(), "s", 10), SER_OK);
        ASSERT_EQ(ser_put_none(w.get(), "n"), SER_OK);
        Handle c = child_of(w.get(), "/x/");
        ASSERT_EQ(ser_put_float64(c.get(), "v", 0.5), SER_OK);
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    }
    EXPECT_EQ(numpy_lines(path), (std::set<std::string>{"w <f4 (2, 3) 15.0", "s <i8 () 10", "n |O () None", "x/v <f8 () 0.5"}));
}

TEST(NpzChainerWrite, GroupHierarchyKeySetsUnderTest) {
    // Parent chain (Wp, child (linear (W, b), Wc)) and an AdaDelta optimizer after one update.
    const std::string path = scratch_dir() + "/h.npz";
    {
        Handle w = open_npz(path, SER_WRITE);
        Handle test = child_of(w.get(), "test");
        const float p6[6] = {1, 1, 1, 1, 1, 1};
        const float p3[3] = {1, 1, 1};
        const int64_t shape3[1] = {3};
        auto put_param = [&](ser_handle *h, const char *key, bool vec) {
            ASSERT_EQ(ser_put_array(h, key, SER_FLOAT32, vec ? 1 : 2, vec ? shape3 : kShape23, vec ? p3 : p6,
                                    vec ? sizeof p3 : sizeof p6),
                      SER_OK)
                << errmsg();
        };
        // Chain.serialize: own params, then children.
        put_param(test.get(), "Wp", false);
        Handle child = child_of(test.get(), "child");
        put_param(child.get(), "Wc", false);
        Handle linear = child_of(child.get(), "linear");
        put_param(linear.get(), "W", false);
        put_param(linear.get(), "b", true);
        // Optimizer.serialize under the same 'test/': t, epoch, then s['/child/linear/W'] etc.
        ASSERT_EQ(ser_put_int64(test.get(), "t", 1), SER_OK);
        ASSERT_EQ(ser_put_int64(test.get(), "epoch", 0), SER_OK);
        for (const char *param : {"/child/linear/W", "/child/linear/b", "/child/Wc", "/Wp"}) {
            Handle rule = child_of(test.get(), param);
            bool vec = std::strcmp(param, "/child/linear/b") == 0;
            ASSERT_EQ(ser_put_int64(rule.get(), "t", 1), SER_OK);
            put_param(rule.get(), "msg", vec);
            put_param(rule.get(), "msdx", vec);
        }
        ASSERT_EQ(ser_close(w.release()), SER_OK) << errmsg();
    }
    std::set<std::string> expected = {"test/child/linear/W", "test/child/linear/b", "test/child/Wc", "test/Wp",
                                      "test/t", "test/epoch"};
    for (const char *p : {"test/child/linear/W/", "test/child/linear/b/", "test/child/Wc/", "test/Wp/"})
        for (const char *slot : {"t", "msg", "msdx"}) expected.insert(std::string(p) + slot);
    Handle r = open_npz(path, SER_READ);
    std::vector<std::string> keys = list_keys(r.get());
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), expected);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    std::set<std::string> numpy_keys;
    for (const std::string &line : numpy_lines(path)) numpy_keys.insert(split(line, ' ')[0]);
    EXPECT_EQ(numpy_keys, expected);
    // A child handle lists its sub-tree relative to itself.
    Handle linear = child_of(r.get(), "test/child/linear");
    std::vector<std::string> sub = list_keys(linear.get());
    EXPECT_EQ(std::set<std::string>(sub.begin(), sub.end()),
              (std::set<std::string>{"W", "b", "W/t", "W/msg", "W/msdx", "b/t", "b/msg", "b/msdx"}));
}

TEST(NpzChainerPath, PathOptionNeedsItsTrailingSlash) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.path = "updater/model:main/";
    ser_array_info info{};
    {
        Handle r = open_npz(data_path("trainer.npz"), SER_READ, &o);
        ASSERT_EQ(ser_get_info(&info, r.get(), "predictor/l1/W"), SER_OK) << errmsg();
        EXPECT_EQ(info.dtype, SER_FLOAT32);
        std::vector<std::string> keys = list_keys(r.get());
        EXPECT_NE(std::find(keys.begin(), keys.end(), "predictor/l1/W"), keys.end());
    }
    o.path = "updater/model:main";  // Chainer joins raw strings: 'updater/model:mainpredictor/l1/W'
    Handle r = open_npz(data_path("trainer.npz"), SER_READ, &o);
    EXPECT_EQ(ser_get_info(&info, r.get(), "predictor/l1/W"), SER_ENOTFOUND);
    EXPECT_NE(errmsg().find("updater/model:mainpredictor/l1/W"), std::string::npos) << errmsg();
    EXPECT_TRUE(list_keys(r.get()).empty());
}

TEST(NpzChainerWrite, EmptyArchiveIs22BytesAndLoads) {
    const std::string path = scratch_dir() + "/empty.npz";
    ASSERT_EQ(ser_close(open_npz(path, SER_WRITE).release()), SER_OK) << errmsg();
    const std::string bytes = read_file(path);
    EXPECT_EQ(bytes.size(), 22u);
    EXPECT_EQ(bytes.substr(0, 4), "PK\x05\x06");
    Handle r = open_npz(path, SER_READ);
    EXPECT_TRUE(list_keys(r.get()).empty());
    EXPECT_TRUE(numpy_lines(path).empty());
}

}  // namespace
