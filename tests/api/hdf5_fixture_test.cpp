// Real Chainer-written fixtures: every .h5 entry hashes to MANIFEST.json, and every .npz survives
// NPZ -> HDF5 -> NPZ with the same keys, dtypes, shapes, bytes, None and strings.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <dirent.h>

#include <algorithm>

#include "api/hdf5_helpers.h"

namespace {

std::vector<std::string> fixtures_ending(const std::string &suffix) {
    std::vector<std::string> out;
    DIR *d = opendir(testsupport::data_path("").c_str());
    if (!d) return out;
    while (dirent *e = readdir(d)) {
        std::string n = e->d_name;
        if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) out.push_back(n);
    }
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Hdf5Fixtures, EveryH5EntryMatchesTheManifest) {
    std::vector<std::string> files = fixtures_ending(".h5");
    ASSERT_GE(files.size(), 12u);
    for (const std::string &name : files) {
        SCOPED_TRACE(name);
        std::string listing = h5test::python_output("h5_manifest.py", {testsupport::data_path("MANIFEST.json"), name});
        ser_handle *h = h5test::open_h5(testsupport::data_path(name), SER_READ);
        ASSERT_NE(h, nullptr);
        std::vector<std::string> manifest_keys;
        for (const std::string &line : h5test::split(listing, '\n')) {
            if (line.empty()) continue;
            std::vector<std::string> f = h5test::split(line, '\t');
            ASSERT_EQ(f.size(), 4u) << line;
            manifest_keys.push_back(f[0]);
            h5test::OurEntry ours = h5test::read_entry(h, f[0]);
            EXPECT_EQ(ours.dtype, f[1]) << f[0];
            EXPECT_EQ(ours.shape, f[2]) << f[0];
            EXPECT_EQ(ours.sha256, f[3]) << f[0];
        }
        std::sort(manifest_keys.begin(), manifest_keys.end());
        EXPECT_EQ(h5test::keys_of(h), manifest_keys);
        EXPECT_EQ(ser_close(h), SER_OK);
    }
}

void copy_all(const std::string &from, bool from_h5, const std::string &to, bool to_h5) {
    ser_handle *src = nullptr, *dst = nullptr;
    ASSERT_EQ((from_h5 ? ser_h5_open : ser_npz_open)(&src, from.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    ASSERT_EQ((to_h5 ? ser_h5_open : ser_npz_open)(&dst, to.c_str(), SER_WRITE, nullptr), SER_OK) << ser_errmsg();
    EXPECT_EQ(ser_copy_all(dst, src), SER_OK) << from << ": " << ser_errmsg();
    EXPECT_EQ(ser_close(dst), SER_OK) << ser_errmsg();
    ser_close(src);
}

TEST(Hdf5Fixtures, EveryNpzSurvivesNpzToHdf5ToNpz) {
    std::vector<std::string> files = fixtures_ending(".npz");
    ASSERT_GE(files.size(), 20u);
    const std::string dir = testsupport::scratch_dir();
    for (const std::string &name : files) {
        SCOPED_TRACE(name);
        const std::string h5 = dir + "/" + name + ".h5", back = dir + "/" + name + ".back.npz";
        copy_all(testsupport::data_path(name), false, h5, true);
        copy_all(h5, true, back, false);
        ser_handle *a = nullptr, *b = nullptr;
        ASSERT_EQ(ser_npz_open(&a, testsupport::data_path(name).c_str(), SER_READ, nullptr), SER_OK);
        ASSERT_EQ(ser_npz_open(&b, back.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
        std::vector<std::string> keys = h5test::keys_of(a);
        EXPECT_EQ(h5test::keys_of(b), keys);
        for (const std::string &k : keys) {
            ser_array_info ia, ib;
            ASSERT_EQ(ser_get_info(&ia, a, k.c_str()), SER_OK);
            ASSERT_EQ(ser_get_info(&ib, b, k.c_str()), SER_OK);
            EXPECT_EQ(ia.dtype, ib.dtype) << k;
            EXPECT_EQ(ia.byteorder, ib.byteorder) << k;
            EXPECT_EQ(ia.itemsize, ib.itemsize) << k;
            EXPECT_EQ(h5test::shape_text(ia), h5test::shape_text(ib)) << k;
            EXPECT_EQ(h5test::read_entry(a, k).sha256, h5test::read_entry(b, k).sha256) << k;
        }
        ser_close(a);
        ser_close(b);
    }
}

}  // namespace
