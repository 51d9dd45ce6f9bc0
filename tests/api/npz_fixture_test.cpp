// Every Chainer-written .npz in tests/data: each entry's bytes hash to MANIFEST.json's sha256,
// and a copy made through the library (compressed and stored) reads back equal in NumPy.
#include <gtest/gtest.h>

#include "support/npz_helpers.h"
#include "support/test_support.h"

namespace {

using namespace testsupport;

struct Fixtures {
    std::string dir;                 // holds <name>.expect for each fixture
    std::vector<std::string> names;  // the .npz fixtures MANIFEST.json describes
};

const Fixtures &fixtures() {
    static Fixtures f = [] {
        Fixtures out;
        out.dir = scratch_dir();
        std::string listing = python_ok("npz_manifest.py", {data_path(""), out.dir});
        for (const std::string &line : split(listing, '\n'))
            if (!line.empty()) out.names.push_back(line);
        return out;
    }();
    return f;
}

TEST(NpzFixtures, ManifestCoversTheNpzFilesInTestData) {
    // Both variants of every model the fixtures hold; a vanished list would test nothing.
    EXPECT_GE(fixtures().names.size(), 26u);
}

TEST(NpzFixtures, EveryEntryHashesToTheManifest) {
    for (const std::string &name : fixtures().names) {
        SCOPED_TRACE(name);
        expect_npz_matches(data_path(name), fixtures().dir + "/" + name + ".expect");
    }
}

TEST(NpzFixtures, CopyAllThroughTheLibraryReadsBackEqualInNumPy) {
    const std::string out = scratch_dir();
    for (const std::string &name : fixtures().names) {
        for (int compress : {1, 0}) {
            SCOPED_TRACE(name + (compress ? " compressed" : " stored"));
            const std::string copy = out + "/" + std::to_string(compress) + "-" + name;
            ser_options wo;
            ser_options_init(&wo, SER_OPTIONS_VERSION);
            wo.compress = compress;
            {
                Handle src = open_npz(data_path(name), SER_READ);
                Handle dst = open_npz(copy, SER_WRITE, &wo);
                ASSERT_TRUE(src && dst);
                ASSERT_EQ(ser_copy_all(dst.get(), src.get()), SER_OK) << errmsg();
                ASSERT_EQ(ser_close(dst.release()), SER_OK) << errmsg();
            }
            python_ok("npz_compare.py", {data_path(name), copy});
            // The copy also still matches the manifest through the library itself.
            expect_npz_matches(copy, fixtures().dir + "/" + name + ".expect");
        }
    }
}

}  // namespace
