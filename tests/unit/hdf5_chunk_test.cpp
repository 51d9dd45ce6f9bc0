// h5py_guess_chunk against the documented probes and against h5py's own guess_chunk.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hdf5/hdf5_chunk.h"
#include "support/test_support.h"

namespace {

using chainerser::core::h5py_guess_chunk;
using Shape = std::vector<int64_t>;

std::string text(const Shape &s, const char *sep) {
    std::string out;
    for (size_t k = 0; k < s.size(); ++k) out += (k ? sep : "") + std::to_string(s[k]);
    return out;
}

TEST(Hdf5Chunk, DocumentedProbes) {  // npy-npz-hdf5-format.md §9
    EXPECT_EQ(h5py_guess_chunk({256, 512}, 4), (Shape{32, 128}));
    EXPECT_EQ(h5py_guess_chunk({4096, 4096}, 4), (Shape{128, 128}));
    EXPECT_EQ(h5py_guess_chunk({1000}, 4), (Shape{1000}));
    EXPECT_EQ(h5py_guess_chunk({100000}, 4), (Shape{3125}));
    EXPECT_EQ(h5py_guess_chunk({1000, 1000}, 8), (Shape{63, 63}));
    EXPECT_EQ(h5py_guess_chunk({8, 4}, 4), (Shape{8, 4}));  // every Chainer fixture: the full shape
}

TEST(Hdf5Chunk, SameAsH5pyForATableOfShapes) {
    const std::vector<std::pair<Shape, size_t>> table = {
        {{256, 512}, 4}, {{4096, 4096}, 4}, {{1000}, 4},      {{100000}, 4},        {{1000, 1000}, 8},
        {{3, 5, 7, 11}, 2}, {{70000, 3}, 1}, {{2, 200000}, 16}, {{1, 1, 2}, 1},       {{513, 1025}, 2},
        {{10000000}, 1}, {{1, 1, 1}, 2000000}, {{0, 5}, 4},  {{17, 0, 33}, 8},     {{1 << 20, 3}, 4},
        {{64, 64, 64, 64}, 4}, {{2, 3}, 8}, {{12345, 678}, 8}, {{99, 101, 103}, 2}, {{5000, 1}, 16}};
    std::vector<std::string> args;
    for (const auto &t : table) args.push_back(text(t.first, "x") + ":" + std::to_string(t.second));
    std::string out;
    ASSERT_EQ(testsupport::run_python("h5_guess_chunk.py", args, &out), 0) << out;
    std::string ours;
    for (const auto &t : table) ours += text(h5py_guess_chunk(t.first, t.second), ",") + "\n";
    EXPECT_EQ(ours, out);
}

}  // namespace
