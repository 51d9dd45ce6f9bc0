// Every input a fuzz target once crashed on (tests/data/regressions, see its README), replayed
// through the same C API calls the fuzzers make (fuzz/read_everything.h). Each must now give
// clean errors or data with every invariant kept; the ASan/UBSan and valgrind runs of this
// suite catch the memory errors themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "../../fuzz/read_everything.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> regressions(const std::string &extension) {
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(fs::path(CHAINERSER_TEST_DATA_DIR) / "regressions"))
        if (entry.path().extension() == extension) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

void replay_all(const std::string &extension, bool hdf5) {
    auto files = regressions(extension);
    ASSERT_FALSE(files.empty()) << "no " << extension << " regression inputs";
    for (const auto &file : files)
        EXPECT_EQ(fuzzsupport::read_everything(file.string(), hdf5, 1 << 20), "") << file.filename();
}

TEST(FuzzRegressions, NpzInputsReadCleanly) { replay_all(".npz", false); }

TEST(FuzzRegressions, Hdf5InputsReadCleanly) { replay_all(".h5", true); }

// The first HDF5 finding: a hyperslab with a zero extent read nothing into an empty scratch
// vector and passed its null data() to memcpy (undefined behaviour).
TEST(FuzzRegressions, ZeroExtentHyperslabReadsNothing) {
    ser_handle *h = nullptr;
    ASSERT_EQ(ser_h5_open(&h, (std::string(CHAINERSER_TEST_DATA_DIR) + "/regressions/empty_hyperslab.h5").c_str(),
                          SER_READ, nullptr),
              SER_OK)
        << ser_errmsg();
    size_t n = 0;
    ASSERT_EQ(ser_key_count(&n, h), SER_OK);
    int tried = 0;
    for (size_t i = 0; i < n; ++i) {
        const char *key = nullptr;
        ASSERT_EQ(ser_key_at(&key, h, i), SER_OK);
        ser_array_info info;
        ASSERT_EQ(ser_get_info(&info, h, key), SER_OK) << key;
        if (info.dtype == SER_NONE || info.ndim == 0) continue;
        int64_t offset[SER_MAX_NDIM] = {0}, count[SER_MAX_NDIM] = {0};
        int32_t outcome = -1;
        unsigned char sentinel = 0xA5;
        EXPECT_EQ(ser_h5_get_array(&outcome, h, key, info.dtype, info.ndim, offset, count, &sentinel, 0), SER_OK)
            << key << ": " << ser_errmsg();
        EXPECT_EQ(sentinel, 0xA5) << key;
        ++tried;
    }
    EXPECT_GT(tried, 0);
    EXPECT_EQ(ser_close(h), SER_OK);
}

}  // namespace
