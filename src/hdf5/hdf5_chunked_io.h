// Whole-dataset I/O of chunked datasets whose filter pipeline is deflate alone (Chainer's and h5py's
// gzip layout) that moves compressed chunks through HDF5 as they are (H5Dwrite_chunk /
// H5Dread_chunk, under the HDF5 lock) and does the (de)compression with libdeflate outside the
// lock, on a thread pool when one is given. The chunks are the ones HDF5's own filter would
// write: a zlib stream of the whole chunk, partial edge chunks padded with zeros, filter mask 0.
#pragma once

#include <hdf5.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chainerser {

class ThreadPool;

// A chunked dataset's grid and element size, and the bytes of one element of fill value.
struct DeflateChunkLayout {
    std::vector<hsize_t> dims;    // the dataset's extent
    std::vector<hsize_t> chunk;   // the chunk shape
    size_t itemsize = 0;
    std::vector<unsigned char> fill;  // itemsize bytes; all zero unless the dataset defines one
};

// The workers for `threads` (0: one per core) kept in `pool`, made on first use; null for one
// thread (work on the calling thread). Call under the HDF5 lock.
ThreadPool *chunk_pool(std::unique_ptr<ThreadPool> &pool, int threads);

// Writes `data` (C order, already in the file datatype's layout) into `dataset`, created chunked
// with layout.chunk and the deflate filter at `level` and nothing else. Call without holding the
// HDF5 lock. `pool` may be null (everything on the calling thread).
void write_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, int level, const void *data,
                          ThreadPool *pool, const std::string &at);

// The layout when reading `dataset` whole with `mem_type` can go chunk by chunk: chunked, a
// pipeline of deflate alone, `mem_type` the file's type. nullopt means: read it with H5Dread.
// Call under the HDF5 lock.
std::optional<DeflateChunkLayout> deflate_read_layout(hid_t dataset, hid_t mem_type, const std::string &at);

// Reads all of `dataset` into `buf` (C order, the file datatype's layout). A chunk that does not
// inflate to its size is SER_EFORMAT naming it. Call without holding the HDF5 lock.
void read_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, void *buf, ThreadPool *pool,
                         const std::string &at);

}  // namespace chainerser
