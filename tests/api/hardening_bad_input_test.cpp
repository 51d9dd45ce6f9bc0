// Hostile input (tests/python/hardening_inputs.py): every truncation of small NPZ and HDF5 files,
// seeded random byte changes, lying npy headers, zip bombs, zip64 and data-descriptor records,
// odd member names. Each case is a clear error (its code, the file and the key named) or exactly
// the data NumPy reads; never a crash, a hang or a large allocation.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <chrono>
#include <random>

#include "support/hardening.h"
#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;
using Clock = std::chrono::steady_clock;

bool mentions(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

const std::vector<std::string> kSmallKeys = {"a", "b", "c"};

// What the small files hold (pattern of hardening_zip.py): a (3,4) <f4, b (5,) <i8, c None.
void expect_small_entry(const std::string &key, const KeyRead &r) {
    SCOPED_TRACE(key);
    ASSERT_EQ(r.code, SER_OK) << r.message;
    if (key == "c") {
        EXPECT_EQ(r.info.dtype, SER_NONE);
        return;
    }
    const bool a = key == "a";
    EXPECT_EQ(r.info.dtype, a ? SER_FLOAT32 : SER_INT64);
    EXPECT_EQ(r.info.ndim, a ? 2 : 1);
    EXPECT_EQ(r.info.shape[0], a ? 3 : 5);
    if (a) EXPECT_EQ(r.info.shape[1], 4);
    EXPECT_TRUE(r.bytes == (a ? pattern_bytes(0, 12, SER_FLOAT32) : pattern_bytes(1, 5, SER_INT64)));
}

// A failed read: an expected code, the file named.
void expect_refused(const KeyRead &r, const std::string &path, const std::set<int> &codes, const std::string &ctx) {
    EXPECT_TRUE(codes.count(r.code)) << ctx << ": code " << r.code << " " << r.message;
    EXPECT_TRUE(mentions(r.message, path)) << ctx << ": " << r.message;
}

// ---- truncation -----------------------------------------------------------------------------------

void every_truncation(OpenFn open, const std::string &source, const std::vector<std::string> &keys, size_t step) {
    const std::string whole = read_file(source);
    const std::string path = scratch_dir() + "/truncated";
    size_t checked = 0;
    for (size_t n = 0; n < whole.size(); ++n) {
        // Every length in the first and last 512 bytes, every `step`-th in between.
        if (n >= 512 && n + 512 < whole.size() && n % step != 0) continue;
        write_file(path, whole.substr(0, n));
        const auto start = Clock::now();
        std::vector<KeyRead> reads = read_keys(open, path, keys);
        const KeyRead *failed = nullptr;
        for (const KeyRead &r : reads)
            if (r.code != SER_OK && !failed) failed = &r;
        ASSERT_NE(failed, nullptr) << "a file truncated to " << n << " of " << whole.size() << " bytes read whole";
        expect_refused(*failed, path, {SER_EFORMAT}, "length " + std::to_string(n));
        EXPECT_LT(Clock::now() - start, std::chrono::seconds(2)) << "length " << n;
        ++checked;
    }
    EXPECT_GT(checked, 512u);
    write_file(path, whole);  // and the whole file reads
    for (const KeyRead &r : read_keys(open, path, keys)) EXPECT_EQ(r.code, SER_OK) << r.message;
}

TEST(HardeningBadInput, EveryTruncationOfACompressedNpz) {
    every_truncation(ser_npz_open, hardening_input("small_deflate.npz"), kSmallKeys, 1);
}

TEST(HardeningBadInput, EveryTruncationOfAStoredNpz) {
    every_truncation(ser_npz_open, hardening_input("small_stored.npz"), kSmallKeys, 1);
}

// Every length in the first and last 512 bytes (superblock, and the data and heaps h5py puts
// last), every third in between, to keep the HDF5 sweep quick.
TEST(HardeningBadInput, EveryTruncationOfAnHdf5File) {
    every_truncation(ser_h5_open, hardening_input("small.h5"), {"a", "b", "g/c"}, 3);
}

// ---- random byte changes ----------------------------------------------------------------------

// Changes 1-3 random bytes of `whole` (seeded by `seed`).
std::string mutate(const std::string &whole, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string bytes = whole;
    const int changes = 1 + int(rng() % 3);
    for (int c = 0; c < changes; ++c) bytes[rng() % bytes.size()] ^= char(1 + rng() % 255);
    return bytes;
}

TEST(HardeningBadInput, RandomByteChangesInNpzGiveErrorsOrTheRightData) {
    for (const char *name : {"small_deflate.npz", "small_stored.npz"}) {
        const std::string whole = read_file(hardening_input(name));
        const std::string path = scratch_dir() + "/" + name;
        size_t refused = 0, intact = 0;
        for (uint32_t seed = 1; seed <= 1500; ++seed) {
            write_file(path, mutate(whole, seed));
            const auto start = Clock::now();
            std::vector<KeyRead> reads = read_keys(ser_npz_open, path, kSmallKeys);
            const std::string ctx = std::string(name) + " seed " + std::to_string(seed);
            for (size_t k = 0; k < reads.size(); ++k) {
                const KeyRead &r = reads[k];
                if (r.code == SER_OK) {
                    // A member CRC covers header and data: what reads must be exactly NumPy's.
                    if (reads.size() == kSmallKeys.size()) expect_small_entry(kSmallKeys[k], r);
                    ++intact;
                } else {
                    expect_refused(r, path, {SER_EFORMAT, SER_EUNSUPPORTED, SER_ENOTFOUND, SER_ELIMIT}, ctx);
                    if (reads.size() == kSmallKeys.size() && r.code != SER_ENOTFOUND)
                        EXPECT_TRUE(mentions(r.message, "'" + kSmallKeys[k] + "'")) << ctx << ": " << r.message;
                    ++refused;
                }
            }
            EXPECT_LT(Clock::now() - start, std::chrono::seconds(1)) << ctx;
            if (HasFailure()) return;
        }
        EXPECT_GT(refused, 100u) << name;  // the changes did reach the reader
        EXPECT_GT(intact, 100u) << name;   // and not every change is fatal (local header fields are unused)
    }
}

// HDF5's own parser runs in a child process: a crash or hang there is reported with its seed.
TEST(HardeningBadInput, RandomByteChangesInHdf5NeverCrashOrHang) {
    const std::string whole = read_file(hardening_input("small.h5"));
    const std::string dir = scratch_dir();
    const std::vector<std::string> keys = {"a", "b", "g/c"};
    ChildResult res = run_child(
        [&](int out) {
            ser_options o;
            ser_options_init(&o, SER_OPTIONS_VERSION);
            o.max_entry_bytes = 1 << 20;
            int refused = 0;
            for (uint32_t seed = 1; seed <= 2000; ++seed) {
                const std::string path = dir + "/flip" + std::to_string(seed) + ".h5";
                write_file(path, mutate(whole, seed));
                write_all(out, "seed " + std::to_string(seed) + "\n");
                for (const KeyRead &r : read_keys(ser_h5_open, path, keys, &o, 1 << 20)) {
                    if (r.code == SER_OK) continue;
                    ++refused;
                    if (r.code > 0 || r.code == SER_EINTERNAL || r.code == SER_ENOMEM || r.code == SER_EINVAL ||
                        !mentions(r.message, path))
                        write_all(out, "BAD code " + std::to_string(r.code) + ": " + r.message + "\n");
                }
                unlink(path.c_str());
            }
            write_all(out, "refused " + std::to_string(refused) + "\n");
            return 0;
        },
        120);
    const size_t last_seed = res.output.rfind("seed ");
    ASSERT_TRUE(res.exited && res.status == 0)
        << "signal " << res.signal << " at "
        << (last_seed == std::string::npos ? "start" : res.output.substr(last_seed, res.output.find('\n', last_seed) - last_seed));
    EXPECT_FALSE(mentions(res.output, "BAD ")) << res.output.substr(res.output.find("BAD "), 2000);
    EXPECT_TRUE(mentions(res.output, "refused ")) << res.output;
    EXPECT_FALSE(mentions(res.output, "refused 0\n")) << "no change was noticed at all";
}

// ---- npy headers that lie -------------------------------------------------------------------------

// A file refused with `code` and a message holding `says`.
struct Refusal {
    const char *file;
    int code;
    const char *says;
};

// Reading key 'a' of c.file gave `r`: the refusal expected, naming the file and the key.
void expect_refusal(const KeyRead &r, const Refusal &c) {
    EXPECT_EQ(r.code, c.code) << r.message;
    EXPECT_TRUE(mentions(r.message, hardening_input(c.file) + ": key 'a'") && mentions(r.message, c.says)) << r.message;
}

TEST(HardeningBadInput, LyingNpyHeaders) {
    const Refusal cases[] = {
        {"lie_shape_larger.npz", SER_EFORMAT, "need 800 bytes"},
        {"lie_shape_larger_deflate.npz", SER_EFORMAT, "need 800 bytes"},
        {"lie_descr_unknown.npz", SER_EUNSUPPORTED, "'<f9'"},
        {"lie_descr_not_string.npz", SER_EFORMAT, "corrupt npy header"},
        {"lie_extra_key.npz", SER_EFORMAT, "unexpected key 'x'"},
        {"lie_missing_key.npz", SER_EFORMAT, "corrupt npy header"},
        {"lie_list_shape.npz", SER_EFORMAT, "corrupt npy header"},
        {"lie_negative_shape.npz", SER_EFORMAT, "corrupt npy header"},
        {"lie_order_not_bool.npz", SER_EFORMAT, "fortran_order"},
        {"lie_ndim_33.npz", SER_EUNSUPPORTED, "32 dimensions"},
        {"lie_ndim_5000.npz", SER_EUNSUPPORTED, "32 dimensions"},
        {"lie_overflow.npz", SER_ELIMIT, "overflows"},
        {"lie_header_past_member.npz", SER_EFORMAT, "npy header"},
        {"lie_bad_version.npz", SER_EFORMAT, "version 4.0"},
        {"lie_bad_magic.npz", SER_EFORMAT, "bad magic"},
        {"lie_v2_hlen_4g.npz", SER_ELIMIT, "exceeds the limit of 10000"},
    };
    for (const Refusal &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = hardening_input(c.file);
        const auto start = Clock::now();
        std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"a"});
        ASSERT_EQ(r.size(), 1u);
        expect_refusal(r[0], c);
        EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
    }
}

// ---- CRC, encryption, methods, duplicates -----------------------------------------------------------

TEST(HardeningBadInput, FaultyDeflatedAndLibzipMembersNameTheirKeyAndSpareTheOthers) {
    const Refusal cases[] = {
        {"deflate_crc.npz", SER_EFORMAT, "CRC"},
        {"deflate_encrypted.npz", SER_EUNSUPPORTED, "encrypted"},
        {"deflate_method98.npz", SER_EUNSUPPORTED, "method 98"},
        {"bzip2_crc.npz", SER_EFORMAT, "CRC"},
    };
    for (const Refusal &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = hardening_input(c.file);
        Handle h = open_npz(path, SER_READ);
        ASSERT_TRUE(h);
        expect_refusal(read_key(h.get(), "a"), c);
        if (std::string(c.file) != "bzip2_crc.npz") expect_small_entry("b", read_key(h.get(), "b"));
    }
}

TEST(HardeningBadInput, KeysThatCollideAfterDroppingNpyAreRefused) {
    const std::string path = hardening_input("dup_suffix.npz");
    std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"a"});
    EXPECT_EQ(r[0].code, SER_EFORMAT);
    EXPECT_TRUE(mentions(r[0].message, path) && mentions(r[0].message, "appears twice")) << r[0].message;
}

// ---- valid files NumPy reads: zip64 local records, data descriptors, names ---------------------

TEST(HardeningBadInput, Zip64LocalHeadersAndDataDescriptorsReadAsNumPyReadsThem) {
    for (const char *src : {"small_deflate", "small_stored"})
        for (const char *style : {"", "_zip64_local", "_descriptor", "_zip64_descriptor", "_descriptor_nosig"}) {
            const std::string name = std::string(src) + style + ".npz";
            SCOPED_TRACE(name);
            expect_npz_matches(hardening_input(name), hardening_input(name + ".expect"));
            std::vector<KeyRead> r = read_keys(ser_npz_open, hardening_input(name), kSmallKeys);
            ASSERT_EQ(r.size(), 3u) << r[0].message;
            for (size_t k = 0; k < 3; ++k) expect_small_entry(kSmallKeys[k], r[k]);
        }
}

TEST(HardeningBadInput, LibzipMembersReadAsNumPyReadsThem) {
    expect_npz_matches(hardening_input("bzip2.npz"), hardening_input("bzip2.npz.expect"));
}

TEST(HardeningBadInput, NamesInCp437AndUtf8ReadAsNumPyNamesThem) {
    for (const char *name : {"name_cp437.npz", "name_utf8.npz"}) {
        SCOPED_TRACE(name);
        expect_npz_matches(hardening_input(name), hardening_input(std::string(name) + ".expect"));
    }
    Handle h = open_npz(hardening_input("name_cp437.npz"), SER_READ);
    ASSERT_TRUE(h);
    EXPECT_EQ(list_keys(h.get()), (std::vector<std::string>{"b", "caf\xc3\xa9"}));  // CP437 0x82 is U+00E9
}

TEST(HardeningBadInput, NamesFlaggedUtf8ThatAreNotUtf8AreRefused) {
    // CPython refuses them too (UnicodeDecodeError), so NumPy cannot read this file at all.
    const std::string path = hardening_input("name_bad_utf8.npz");
    std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"b"});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].code, SER_EFORMAT);
    EXPECT_TRUE(mentions(r[0].message, path) && mentions(r[0].message, "UTF-8")) << r[0].message;
}

TEST(HardeningBadInput, MembersNotEndingInNpyKeepTheirNames) {
    const std::string path = hardening_input("not_npy.npz");
    Handle h = open_npz(path, SER_READ);
    ASSERT_TRUE(h);
    EXPECT_EQ(list_keys(h.get()), (std::vector<std::string>{"b", "notes.txt", "weights"}));
    KeyRead w = read_key(h.get(), "weights"), b = read_key(h.get(), "b"), t = read_key(h.get(), "notes.txt");
    ASSERT_EQ(w.code, SER_OK) << w.message;
    EXPECT_EQ(w.bytes, pattern_bytes(3, 4, SER_FLOAT32));
    ASSERT_EQ(b.code, SER_OK) << b.message;
    EXPECT_EQ(b.bytes, pattern_bytes(4, 3, SER_INT64));
    EXPECT_EQ(t.code, SER_EFORMAT);  // NumPy returns its bytes; it is no array
    EXPECT_TRUE(mentions(t.message, path + ": key 'notes.txt'") && mentions(t.message, "not an npy array")) << t.message;
}

// ---- zip bombs ----------------------------------------------------------------------------------

TEST(HardeningBadInput, DirectoryClaimsOfHugeSizesAreRefusedBeforeAllocating) {
    for (const char *name : {"bomb_claim_3g.npz", "bomb_claim_1t.npz"}) {
        SCOPED_TRACE(name);
        const std::string path = hardening_input(name);
        const long rss_before = peak_rss_kib();
        const auto start = Clock::now();
        Handle h = open_npz(path, SER_READ);
        ASSERT_TRUE(h);
        ser_array_info info{};
        EXPECT_EQ(ser_get_info(&info, h.get(), "a"), SER_ELIMIT);
        const std::string msg = errmsg();
        EXPECT_TRUE(mentions(msg, path + ": key 'a'") && mentions(msg, "inflate-ratio limit of 1032:1")) << msg;
        std::vector<float> buf(12);
        const int64_t shape[2] = {3, 4};
        EXPECT_EQ(ser_get_array(nullptr, h.get(), "a", SER_FLOAT32, 2, shape, buf.data(), 48), SER_ELIMIT);
        EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
        EXPECT_LT(peak_rss_kib() - rss_before, 16 * 1024) << "KiB of new peak memory";
    }
}

TEST(HardeningBadInput, RealDeflateBombIsRefusedByALoweredRatioAndReadUnderTheDefault) {
    const std::string path = hardening_input("bomb_zeros.npz");
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.max_inflate_ratio = 100;
    const long rss_before = peak_rss_kib();
    std::vector<KeyRead> r = read_keys(ser_npz_open, path, {"z"}, &o);
    EXPECT_EQ(r[0].code, SER_ELIMIT);
    EXPECT_TRUE(mentions(r[0].message, path + ": key 'z'") && mentions(r[0].message, "limit of 100:1")) << r[0].message;
    EXPECT_LT(peak_rss_kib() - rss_before, 8 * 1024) << "KiB of new peak memory";
    // 1029:1 is within deflate's reach and the default limit: 32 MiB of zeros, as NumPy reads.
    r = read_keys(ser_npz_open, path, {"z"});
    ASSERT_EQ(r[0].code, SER_OK) << r[0].message;
    EXPECT_EQ(r[0].info.dtype, SER_FLOAT64);
    EXPECT_EQ(r[0].info.shape[0], int64_t(4) << 20);
    EXPECT_EQ(r[0].bytes, std::string(size_t(32) << 20, '\0'));
}

}  // namespace
