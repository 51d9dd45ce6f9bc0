// I/O of chunked datasets whose filter pipeline is deflate alone (Chainer's and h5py's gzip layout)
// that moves compressed chunks as they are and does the (de)compression with libdeflate outside the
// HDF5 lock, on a thread pool when one is given. Writes go through H5Dwrite_chunk under the lock;
// reads look each chunk up under the lock (H5Dget_chunk_info_by_coord) and then read its bytes with
// pread outside it, or with H5Dread_chunk under it when the file cannot be read directly. Writes
// cover the whole dataset; reads cover a box of it (a hyperslab). The chunks are the ones HDF5's own
// filter would write: a zlib stream of the whole chunk, partial edge chunks padded with zeros,
// filter mask 0.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/file_io.h"

namespace chainerser::core {

class ThreadPool;

// A chunked dataset's grid and element size, and the bytes of one element of fill value.
struct DeflateChunkLayout {
    std::vector<hsize_t> dims;    // the dataset's extent
    std::vector<hsize_t> chunk;   // the chunk shape
    size_t itemsize = 0;
    std::vector<unsigned char> fill;  // itemsize bytes; all zero unless the dataset defines one
    uint64_t file_bytes = 0;          // reading: the size of the file, which no stored chunk exceeds
};

// A file whose chunk bytes are read with pread, at the addresses HDF5 reports plus `base`.
struct RawChunkFile {
    std::shared_ptr<const OwnedFd> fd;  // our own descriptor of the file HDF5 has open
    uint64_t base = 0;                  // where HDF5's address 0 is: after the userblock
    uint64_t size = 0;                  // the file's bytes when it was opened
};

// The part of a dataset a read covers: [offset, offset + count) on every axis.
struct ChunkWindow {
    std::vector<hsize_t> offset, count;
};

// The bytes of one chunk of `dcpl` (0 when the dataset is not chunked), for elements of
// `itemsize` bytes. More than HDF5's own limit of 4 GiB is SER_EFORMAT. Call under the HDF5 lock.
uint64_t chunk_bytes_of(hid_t dcpl, size_t itemsize, const std::string &at);

// Writes `data` (C order, already in the file datatype's layout) into `dataset`, created chunked
// with layout.chunk and the deflate filter at `level` and nothing else. Call without holding the
// HDF5 lock. `pool` may be null (everything on the calling thread).
void write_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, int level, const void *data,
                          ThreadPool *pool, const std::string &at);

// The layout when reading `dataset` with `mem_type` can go chunk by chunk: chunked, a pipeline of
// deflate alone, `mem_type` the file's type. nullopt means: read it with H5Dread. Call under the
// HDF5 lock.
std::optional<DeflateChunkLayout> deflate_read_layout(hid_t dataset, hid_t mem_type, const std::string &at);

// Reads `window` of `dataset` into `buf` (C order with the window's extents, the file datatype's
// layout), touching only the chunks that overlap it. A chunk that does not inflate to exactly its
// size is SER_EFORMAT naming it; one whose stored size could not inflate to its size within
// `max_inflate_ratio` (0: no limit) is SER_ELIMIT, before anything is allocated for it. Chunks
// never written read as the fill value. With `raw` (the dataset's file), chunk bytes are read
// with pread from it, a chunk stored past its end being SER_EFORMAT; without, through HDF5. Call
// without holding the HDF5 lock.
void read_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, const ChunkWindow &window,
                         uint32_t max_inflate_ratio, const RawChunkFile *raw, void *buf, ThreadPool *pool,
                         const std::string &at);

}  // namespace chainerser::core
