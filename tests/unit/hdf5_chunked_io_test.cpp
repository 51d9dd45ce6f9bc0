// read_deflate_chunks both ways, on files h5py wrote: chunk bytes by pread from our own descriptor
// and through H5Dread_chunk (the fallback for files HDF5 does not read with the sec2 driver) give
// what HDF5's own H5Dread gives, for whole datasets and for windows of them.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <optional>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "hdf5/hdf5_chunked_io.h"
#include "hdf5/hdf5_file.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "support/test_support.h"

namespace {

using namespace chainerser::core;

struct Read {
    std::vector<unsigned char> hdf5, through_hdf5, by_pread;
};

Read read_three_ways(hid_t file, const RawChunkFile &raw, const std::string &key, const ChunkWindow &window,
                     ThreadPool *pool) {
    Read r;
    std::optional<Hdf5Lock> lock(std::in_place);
    H5Id dataset(H5Dopen2(file, key.c_str(), H5P_DEFAULT), SER_ENOTFOUND, key);
    H5Id type(H5Dget_type(dataset.get()), SER_EFORMAT, key);
    std::optional<DeflateChunkLayout> layout = deflate_read_layout(dataset.get(), type.get(), key);
    EXPECT_TRUE(layout) << key;
    if (!layout) return r;
    size_t bytes = layout->itemsize;
    for (hsize_t n : window.count) bytes *= size_t(n);
    r.hdf5.resize(bytes), r.through_hdf5.resize(bytes, 0xee), r.by_pread.resize(bytes, 0xdd);
    H5Id file_space(H5Dget_space(dataset.get()), SER_EFORMAT, key);
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, window.offset.data(), nullptr, window.count.data(), nullptr);
    H5Id mem_space(H5Screate_simple(int(window.count.size()), window.count.data(), nullptr), SER_EINTERNAL, key);
    EXPECT_GE(H5Dread(dataset.get(), type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, r.hdf5.data()), 0);
    lock.reset();
    read_deflate_chunks(dataset.get(), *layout, window, 0, nullptr, r.through_hdf5.data(), pool, key + ": ");
    read_deflate_chunks(dataset.get(), *layout, window, 0, &raw, r.by_pread.data(), pool, key + ": ");
    return r;
}

void expect_same_three_ways(const std::string &path, const std::vector<std::string> &keys, uint64_t userblock) {
    Hdf5Lock lock;
    H5Id file = open_hdf5_file(path);
    std::optional<RawChunkFile> raw = open_raw_chunk_file(file.get());
    ASSERT_TRUE(raw) << path;
    EXPECT_EQ(raw->base, userblock);
    ThreadPool pool(2);
    for (const std::string &key : keys) {
        H5Id dataset(H5Dopen2(file.get(), key.c_str(), H5P_DEFAULT), SER_ENOTFOUND, key);
        H5Id space(H5Dget_space(dataset.get()), SER_EFORMAT, key);
        std::vector<hsize_t> dims(size_t(H5Sget_simple_extent_ndims(space.get())));
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        // The whole dataset, and a window that starts and ends inside chunks.
        std::vector<ChunkWindow> windows{{std::vector<hsize_t>(dims.size(), 0), dims}, {{}, {}}};
        for (hsize_t n : dims) windows[1].offset.push_back(n / 3), windows[1].count.push_back(n - n / 3 - n / 5);
        for (ThreadPool *p : {static_cast<ThreadPool *>(nullptr), &pool})
            for (const ChunkWindow &w : windows) {
                const Read r = read_three_ways(file.get(), *raw, key, w, p);
                EXPECT_FALSE(r.hdf5.empty()) << key;
                EXPECT_TRUE(r.through_hdf5 == r.hdf5) << path << ": " << key << " through H5Dread_chunk";
                EXPECT_TRUE(r.by_pread == r.hdf5) << path << ": " << key << " by pread";
            }
    }
}

TEST(Hdf5ChunkedIo, PreadAndH5DreadChunkReadWhatH5DreadReads) {
    const std::string dir = testsupport::scratch_dir();
    std::string out;
    ASSERT_EQ(testsupport::run_python("h5_parallel_files.py", {"written", dir}, &out), 0) << out;
    expect_same_three_ways(dir + "/written.h5",
                           {"big", "odd3d", "odd1d", "level9/odd", "sparse", "big_sparse", "filled", "never_written",
                            "resizable", "complex_be"},
                           0);
}

TEST(Hdf5ChunkedIo, PreadSkipsTheUserblock) {
    const std::string dir = testsupport::scratch_dir();
    std::string out;
    ASSERT_EQ(testsupport::run_python("h5_parallel_files.py", {"userblock", dir}, &out), 0) << out;
    expect_same_three_ways(dir + "/userblock.h5", {"big", "odd3d", "sparse"}, 512);
}

}  // namespace
