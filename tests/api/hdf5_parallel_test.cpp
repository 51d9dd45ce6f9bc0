// The chunk-by-chunk HDF5 paths: chunks we deflate ourselves (on 1 or 2 threads) must be the
// chunks HDF5 writes, and chunks we inflate ourselves must give h5py's values.
#include <gtest/gtest.h>

#include <chainerser/chainerser.h>

#include <string>
#include <vector>

#include "api/hdf5_helpers.h"

namespace {

std::string py(const std::vector<std::string> &args) {
    return h5test::python_output("h5_parallel_files.py", args);
}

ser_options with_threads(int threads) {
    ser_options o;
    EXPECT_EQ(ser_options_init(&o, SER_OPTIONS_VERSION), SER_OK);
    o.threads = threads;
    return o;
}

// h5py's values of every dataset in `path` equal ours, read one by one and all at once.
void expect_reads_like_h5py(const std::string &path, int threads) {
    std::map<std::string, h5test::H5pyEntry> theirs = h5test::h5py_dump(path);
    ASSERT_FALSE(theirs.empty());
    ser_options o = with_threads(threads);
    ser_handle *h = h5test::open_h5(path, SER_READ, &o);
    ASSERT_NE(h, nullptr);
    for (const auto &[key, want] : theirs) {
        h5test::OurEntry got = h5test::read_entry(h, key);
        EXPECT_EQ(got.dtype, want.dtype) << key;
        EXPECT_EQ(got.shape, want.shape) << key;
        EXPECT_EQ(got.sha256, want.sha256) << key << " (threads " << threads << ")";
    }
    // ser_get_arrays runs the requests on its own workers, which then share the HDF5 lock.
    std::vector<ser_array_info> infos;
    std::vector<std::vector<unsigned char>> bufs;
    for (const auto &entry : theirs) {
        infos.emplace_back();
        ASSERT_EQ(ser_get_info(&infos.back(), h, entry.first.c_str()), SER_OK) << ser_errmsg();
        bufs.emplace_back(infos.back().nbytes);
    }
    std::vector<ser_get_request> reqs;
    size_t i = 0;
    for (const auto &entry : theirs) {
        reqs.push_back({entry.first.c_str(), infos[i].dtype, infos[i].ndim, infos[i].shape, bufs[i].data(),
                        bufs[i].size(), 0, 0});
        ++i;
    }
    ASSERT_EQ(ser_get_arrays(h, reqs.data(), reqs.size()), SER_OK) << ser_errmsg();
    i = 0;
    for (const auto &[key, want] : theirs) {
        EXPECT_EQ(testsupport::sha256_hex(bufs[i].data(), bufs[i].size()), want.sha256) << key << " (batch)";
        ++i;
    }
    EXPECT_EQ(ser_close(h), SER_OK) << ser_errmsg();
}

class Hdf5Parallel : public ::testing::TestWithParam<int> {};

// Every dtype, edge chunks in 1-4 dimensions: h5py reads our file as its own, chunk for chunk.
TEST_P(Hdf5Parallel, WrittenChunksAreHdf5sOwn) {
    const int threads = GetParam();
    const std::string dir = testsupport::scratch_dir();
    py({"arrays", dir});
    ser_handle *src = nullptr;
    ASSERT_EQ(ser_npz_open(&src, (dir + "/arrays.npz").c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    ser_options o = with_threads(threads);
    const std::string ours = dir + "/ours.h5";
    ser_handle *dst = h5test::open_h5(ours, SER_WRITE, &o);
    ASSERT_NE(dst, nullptr);
    ASSERT_EQ(ser_copy_all(dst, src), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(dst), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(src), SER_OK) << ser_errmsg();
    EXPECT_NE(py({"check", ours, dir + "/h5py.h5"}).find("ok 83 datasets"), std::string::npos);
    expect_reads_like_h5py(ours, threads);
}

// Files h5py wrote: gzip levels, odd chunks, unallocated chunks and fill values, a resizable
// dataset, and pipelines that are not deflate alone (read through HDF5).
TEST_P(Hdf5Parallel, H5pyFilesReadChunkByChunk) {
    const std::string dir = testsupport::scratch_dir();
    py({"written", dir});
    expect_reads_like_h5py(dir + "/written.h5", GetParam());
}

// HDF5's addresses start after a userblock: chunk bytes read with pread must skip it.
TEST_P(Hdf5Parallel, FileWithAUserblockReadsLikeH5py) {
    const std::string dir = testsupport::scratch_dir();
    py({"userblock", dir});
    expect_reads_like_h5py(dir + "/userblock.h5", GetParam());
}

INSTANTIATE_TEST_SUITE_P(Threads, Hdf5Parallel, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int> &p) { return std::to_string(p.param) + "thread"; });

// A damaged chunk is a format error naming the file, the key and the chunk, whether it is inflated
// on the calling thread (a small dataset) or on a worker (one of several batches of chunks).
TEST(Hdf5ParallelErrors, CorruptChunkIsAFormatErrorNamingFileKeyAndChunk) {
    const std::string dir = testsupport::scratch_dir();
    py({"written", dir});
    struct Damaged {
        std::string key, chunk;
        std::vector<int64_t> shape;
    };
    for (const Damaged &d : {Damaged{"odd3d", "chunk at (0, 0, 0)", {10, 11, 12}}, Damaged{"big", "chunk at (0, 0)", {700, 900}}}) {
        const std::string bad = dir + "/bad_" + d.key + ".h5";
        py({"corrupt", dir + "/written.h5", bad, d.key});
        for (int threads : {1, 2}) {
            ser_options o = with_threads(threads);
            ser_handle *h = h5test::open_h5(bad, SER_READ, &o);
            ASSERT_NE(h, nullptr);
            size_t count = 1;
            for (int64_t n : d.shape) count *= size_t(n);
            std::vector<double> buf(count);
            int32_t outcome = -1;
            EXPECT_EQ(ser_get_array(&outcome, h, d.key.c_str(), SER_FLOAT64, int32_t(d.shape.size()), d.shape.data(),
                                    buf.data(), buf.size() * 8),
                      SER_EFORMAT);
            const std::string msg = ser_errmsg();
            EXPECT_NE(msg.find(bad), std::string::npos) << msg;
            EXPECT_NE(msg.find("'" + d.key + "'"), std::string::npos) << msg;
            EXPECT_NE(msg.find(d.chunk), std::string::npos) << msg;
            // The other datasets are untouched.
            std::vector<int64_t> ints(23);
            const int64_t n = 23;
            EXPECT_EQ(ser_get_array(&outcome, h, "odd1d", SER_INT64, 1, &n, ints.data(), ints.size() * 8), SER_OK)
                << ser_errmsg();
            EXPECT_EQ(ser_close(h), SER_OK) << ser_errmsg();
        }
    }
}

// A chunk index that puts a chunk past the end of the file, or across it, is a format error naming
// the chunk, found before anything is read for it; the file's other datasets still read.
TEST(Hdf5ParallelErrors, ChunkPastTheEndOfTheFileIsAFormatError) {
    const std::string dir = testsupport::scratch_dir();
    py({"past_eof", dir});
    const std::string bad = dir + "/past_eof.h5";
    struct Moved {
        std::string key;
        std::vector<int64_t> shape;
    };
    for (int threads : {1, 2}) {
        ser_options o = with_threads(threads);
        ser_handle *h = h5test::open_h5(bad, SER_READ, &o);
        ASSERT_NE(h, nullptr);
        for (const Moved &m : {Moved{"big", {700, 900}}, Moved{"small", {20, 30}}}) {
            std::vector<double> buf(size_t(m.shape[0] * m.shape[1]));
            int32_t outcome = -1;
            EXPECT_EQ(ser_get_array(&outcome, h, m.key.c_str(), SER_FLOAT64, 2, m.shape.data(), buf.data(),
                                    buf.size() * 8),
                      SER_EFORMAT);
            const std::string msg = ser_errmsg();
            EXPECT_NE(msg.find(bad), std::string::npos) << msg;
            EXPECT_NE(msg.find("'" + m.key + "'"), std::string::npos) << msg;
            EXPECT_NE(msg.find("chunk at (0, 0): stored at bytes ["), std::string::npos) << msg;
            EXPECT_NE(msg.find("past the end of the file"), std::string::npos) << msg;
        }
        std::vector<int64_t> ints(23);
        const int64_t n = 23;
        int32_t outcome = -1;
        EXPECT_EQ(ser_get_array(&outcome, h, "fine", SER_INT64, 1, &n, ints.data(), ints.size() * 8), SER_OK)
            << ser_errmsg();
        EXPECT_EQ(ser_close(h), SER_OK) << ser_errmsg();
    }
}

}  // namespace
