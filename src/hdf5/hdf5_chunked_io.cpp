#include "hdf5/hdf5_chunked_io.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/pipeline.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "codec/deflate.h"

namespace chainerser::core {
namespace {

// Where one chunk sits and how it overlaps the window being read or written.
struct ChunkPlace {
    std::vector<hsize_t> offset;  // the chunk's first element in the dataset (its HDF5 coordinates)
    std::vector<hsize_t> n;       // the overlap's extent on each axis
    bool partial = false;         // part of the chunk lies outside the window
    size_t array_at = 0;          // byte offset of the overlap's first element in the window's C-order buffer
    size_t chunk_at = 0;          // ... and in the chunk
    bool contiguous = false;      // the whole chunk is one run of the buffer: no copy needed
};

// A block of runs along two axes: n[0] x n[1] runs of `run` bytes, step[.][0] and step[.][1] bytes
// apart in the destination (to) and the source (from).
struct RunBlock {
    size_t n[2], to_step[2], from_step[2], run;
};

template <size_t Run>
void copy_block(unsigned char *to, const unsigned char *from, const RunBlock &b) {
    const size_t run = Run ? Run : b.run;  // a constant size becomes a plain load and store
    for (size_t i = 0; i < b.n[0]; ++i) {
        unsigned char *t = to + i * b.to_step[0];
        const unsigned char *f = from + i * b.from_step[0];
        for (size_t j = 0; j < b.n[1]; ++j, t += b.to_step[1], f += b.from_step[1]) std::memcpy(t, f, run);
    }
}

// h5py's chunk guess halves the trailing axes of a 3x3 kernel down to 1, so runs of a single
// element are common: those get a fixed-size copy.
void copy_block(unsigned char *to, const unsigned char *from, const RunBlock &b) {
    switch (b.run) {
        case 1: return copy_block<1>(to, from, b);
        case 2: return copy_block<2>(to, from, b);
        case 4: return copy_block<4>(to, from, b);
        case 8: return copy_block<8>(to, from, b);
        case 16: return copy_block<16>(to, from, b);
        default: return copy_block<0>(to, from, b);
    }
}

// Steps idx (the first idx.size() axes of p's overlap) to the next position, the last axis fastest.
// False after the last one.
bool advance(std::vector<hsize_t> &idx, const ChunkPlace &p) {
    for (size_t k = idx.size(); k-- > 0;) {
        if (++idx[k] < p.n[k]) return true;
        idx[k] = 0;
    }
    return false;
}

void fill_with(unsigned char *out, size_t bytes, const std::vector<unsigned char> &fill) {
    if (std::all_of(fill.begin(), fill.end(), [](unsigned char b) { return b == 0; })) {
        std::memset(out, 0, bytes);
        return;
    }
    for (size_t at = 0; at + fill.size() <= bytes; at += fill.size()) std::memcpy(out + at, fill.data(), fill.size());
}

// The chunks that overlap a window of the dataset, numbered in C order.
class ChunkGrid {
public:
    ChunkGrid(const DeflateChunkLayout &l, const ChunkWindow &w)
        : l_(l), w_(w), rank_(l.dims.size()), astride_(rank_), cstride_(rank_), first_(rank_), per_axis_(rank_) {
        size_t a = l.itemsize, c = l.itemsize;
        for (size_t k = rank_; k-- > 0;) {
            astride_[k] = a, cstride_[k] = c;
            a *= w.count[k], c *= l.chunk[k];
            first_[k] = w.offset[k] / l.chunk[k];
            per_axis_[k] = w.count[k] ? (w.offset[k] + w.count[k] - 1) / l.chunk[k] - first_[k] + 1 : 0;
            count_ *= per_axis_[k];
        }
        chunk_bytes_ = c;
    }

    size_t count() const { return count_; }
    size_t chunk_bytes() const { return chunk_bytes_; }

    ChunkPlace place(size_t index) const {
        ChunkPlace p;
        p.offset.resize(rank_);
        p.n.resize(rank_);
        for (size_t k = rank_; k-- > 0;) {
            const hsize_t origin = (first_[k] + index % per_axis_[k]) * l_.chunk[k];
            index /= per_axis_[k];
            const hsize_t lo = std::max(origin, w_.offset[k]);
            const hsize_t hi = std::min(origin + l_.chunk[k], w_.offset[k] + w_.count[k]);
            p.offset[k] = origin;
            p.n[k] = hi - lo;
            p.array_at += (lo - w_.offset[k]) * astride_[k];
            p.chunk_at += (lo - origin) * cstride_[k];
            if (p.n[k] < l_.chunk[k]) p.partial = true;
        }
        p.contiguous = !p.partial && first_run_axis(p) == 0;
        return p;
    }

    // Copies the overlap between the window's buffer and a chunk buffer.
    void copy(const ChunkPlace &p, unsigned char *array, unsigned char *chunk, bool to_chunk) const {
        const size_t k0 = first_run_axis(p);
        // The runs along axis k0 (the axes after it are whole in both) over the (up to) two axes
        // before it form a block; the axes before those are counted here.
        RunBlock b{{1, 1}, {0, 0}, {0, 0}, size_t(p.n[k0]) * astride_[k0]};
        const size_t outer = k0 >= 2 ? k0 - 2 : 0;
        for (size_t k = outer, slot = 2 - (k0 - outer); k < k0; ++k, ++slot) {
            b.n[slot] = p.n[k];
            b.to_step[slot] = to_chunk ? cstride_[k] : astride_[k];
            b.from_step[slot] = to_chunk ? astride_[k] : cstride_[k];
        }
        std::vector<hsize_t> idx(outer, 0);
        do {
            size_t a = p.array_at, c = p.chunk_at;
            for (size_t k = 0; k < outer; ++k) a += idx[k] * astride_[k], c += idx[k] * cstride_[k];
            if (to_chunk) copy_block(chunk + c, array + a, b);
            else copy_block(array + a, chunk + c, b);
        } while (advance(idx, p));
    }

    // Puts the fill value in the overlap, in the window's buffer: a chunk never written needs no
    // chunk buffer, however large its chunk shape claims to be.
    void fill(const ChunkPlace &p, unsigned char *array, const std::vector<unsigned char> &value) const {
        const size_t last = rank_ - 1;
        std::vector<hsize_t> idx(last, 0);
        do {
            size_t a = p.array_at;
            for (size_t k = 0; k < last; ++k) a += idx[k] * astride_[k];
            fill_with(array + a, size_t(p.n[last]) * l_.itemsize, value);
        } while (advance(idx, p));
    }

    // "chunk at (0, 64): " for messages.
    static std::string name(const ChunkPlace &p) {
        std::string s = "chunk at (";
        for (size_t k = 0; k < p.offset.size(); ++k) s += (k ? ", " : "") + std::to_string(p.offset[k]);
        return s + "): ";
    }

private:
    // The first axis of the longest run that is contiguous in both the window's buffer and the chunk.
    size_t first_run_axis(const ChunkPlace &p) const {
        size_t k0 = rank_ - 1;
        while (k0 > 0 && p.n[k0] == w_.count[k0] && l_.chunk[k0] == w_.count[k0]) --k0;
        return k0;
    }

    const DeflateChunkLayout &l_;
    const ChunkWindow &w_;
    size_t rank_;
    std::vector<size_t> astride_, cstride_;  // bytes per step on each axis
    std::vector<hsize_t> first_, per_axis_;  // the first overlapping chunk and how many, per axis
    size_t count_ = 1, chunk_bytes_ = 0;
};

// A per-thread chunk buffer, reused from chunk to chunk.
unsigned char *scratch(size_t bytes) {
    thread_local std::vector<unsigned char> buffer;
    if (buffer.size() < bytes) buffer.resize(bytes);
    return buffer.data();
}

// Consecutive chunks handled together, up to kBatchBytes of raw data: one job and one hold of the
// HDF5 lock each, so that small chunks do not cost a thread hand-off apiece.
constexpr size_t kBatchBytes = size_t(1) << 20;

struct Batch {
    size_t first, end;  // chunk indices [first, end)
};

// The grid's chunks in batches of at most kBatchBytes, and small enough that every worker gets a
// few batches of a dataset: for each batch in order, start(batch) runs on the calling thread and
// returns a job for the workers, whose result finish(batch, result) takes on the calling thread.
template <class Start, class Finish>
void for_each_batch(ThreadPool *pool, const ChunkGrid &grid, Start start, Finish finish) {
    const size_t workers = pool ? pool->size() : 1;
    const size_t per = std::max<size_t>(1, std::min(kBatchBytes / std::max<size_t>(1, grid.chunk_bytes()),
                                                    grid.count() / (4 * workers)));
    const size_t batches = (grid.count() + per - 1) / per;
    auto batch = [&](size_t b) { return Batch{b * per, std::min(grid.count(), (b + 1) * per)}; };
    using Result = decltype(start(batch(0))());
    size_t finished = 0;
    auto take = [&](Result &&r) { finish(batch(finished++), std::move(r)); };
    Pipeline<Result, decltype(take)> pipeline(batches > 1 ? pool : nullptr, take);
    for (size_t b = 0; b < batches; ++b) pipeline.push(start(batch(b)));
    pipeline.finish();
}

}  // namespace

void write_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, int level, const void *data,
                          ThreadPool *pool, const std::string &at) {
    const ChunkWindow whole{std::vector<hsize_t>(layout.dims.size(), 0), layout.dims};
    const ChunkGrid grid(layout, whole);
    auto *array = static_cast<unsigned char *>(const_cast<void *>(data));  // only read
    const size_t bytes = grid.chunk_bytes();
    auto compress = [&grid, &layout, array, bytes, level](size_t i) {
        const ChunkPlace p = grid.place(i);
        if (p.contiguous) return zlib_compress(array + p.array_at, bytes, level);
        unsigned char *chunk = scratch(bytes);
        if (p.partial) fill_with(chunk, bytes, layout.fill);  // what HDF5 puts outside the array
        grid.copy(p, array, chunk, true);
        return zlib_compress(chunk, bytes, level);
    };
    for_each_batch(
        pool, grid,
        [&](Batch b) {
            return [compress, b] {
                std::vector<ByteBuffer> out;
                for (size_t i = b.first; i < b.end; ++i) out.push_back(compress(i));
                return out;
            };
        },
        [&](Batch b, const std::vector<ByteBuffer> &compressed) {
            Hdf5Lock lock;
            for (size_t i = b.first; i < b.end; ++i) {
                const ChunkPlace p = grid.place(i);
                const ByteBuffer &c = compressed[i - b.first];
                if (H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, p.offset.data(), c.size(), c.data()) < 0)
                    hdf5_fail(SER_EIO, at + ChunkGrid::name(p) + "cannot write the chunk");
            }
        });
}

uint64_t chunk_bytes_of(hid_t dcpl, size_t itemsize, const std::string &at) {
    if (H5Pget_layout(dcpl) != H5D_CHUNKED) return 0;
    hsize_t dims[H5S_MAX_RANK];
    const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, dims);
    if (rank < 1) hdf5_fail(SER_EFORMAT, at + "cannot read the chunk shape");
    // HDF5 refuses to create a chunk of 4 GiB or more; the check also keeps the product from overflowing.
    constexpr uint64_t kMaxChunk = (uint64_t(1) << 32) - 1;
    uint64_t bytes = itemsize;
    for (int i = 0; i < rank; ++i) {
        if (dims[i] == 0) fail(SER_EFORMAT, at + "a chunk dimension is 0");
        if (dims[i] > kMaxChunk || bytes > kMaxChunk / dims[i])
            fail(SER_EFORMAT, at + "the chunk shape holds more than HDF5's limit of 4 GiB per chunk");
        bytes *= dims[i];
    }
    return bytes;
}

std::optional<DeflateChunkLayout> deflate_read_layout(hid_t dataset, hid_t mem_type, const std::string &at) {
    Hdf5Lock lock;
    H5Id dcpl(H5Dget_create_plist(dataset), SER_EFORMAT, at + "cannot read the dataset properties");
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED || H5Pget_nfilters(dcpl.get()) != 1) return std::nullopt;
    unsigned flags = 0, config = 0;
    size_t nvalues = 0;
    if (H5Pget_filter2(dcpl.get(), 0, &flags, &nvalues, nullptr, 0, nullptr, &config) != H5Z_FILTER_DEFLATE)
        return std::nullopt;

    H5Id file_type(H5Dget_type(dataset), SER_EFORMAT, at + "cannot read the datatype");
    if (H5Tequal(file_type.get(), mem_type) <= 0 || H5Tdetect_class(file_type.get(), H5T_VLEN) != 0 ||
        H5Tis_variable_str(file_type.get()) != 0 || H5Tdetect_class(file_type.get(), H5T_REFERENCE) != 0)
        return std::nullopt;

    DeflateChunkLayout l;
    l.itemsize = H5Tget_size(file_type.get());
    H5Id space(H5Dget_space(dataset), SER_EFORMAT, at + "cannot read the dataspace");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 1 || l.itemsize == 0) return std::nullopt;
    (void)chunk_bytes_of(dcpl.get(), l.itemsize, at);  // a sane chunk shape, or SER_EFORMAT
    l.dims.resize(size_t(rank));
    l.chunk.resize(size_t(rank));
    if (H5Sget_simple_extent_dims(space.get(), l.dims.data(), nullptr) != rank ||
        H5Pget_chunk(dcpl.get(), rank, l.chunk.data()) != rank)
        hdf5_fail(SER_EFORMAT, at + "cannot read the chunk shape");

    l.fill.assign(l.itemsize, 0);
    H5D_fill_value_t fill_status = H5D_FILL_VALUE_DEFAULT;
    if (H5Pfill_value_defined(dcpl.get(), &fill_status) < 0) hdf5_fail(SER_EFORMAT, at + "cannot read the fill value");
    if (fill_status == H5D_FILL_VALUE_USER_DEFINED && H5Pget_fill_value(dcpl.get(), mem_type, l.fill.data()) < 0)
        hdf5_fail(SER_EFORMAT, at + "cannot read the fill value");

    H5Id file(H5Iget_file_id(dataset), SER_EFORMAT, at + "cannot find the dataset's file");
    hsize_t file_bytes = 0;
    if (H5Fget_filesize(file.get(), &file_bytes) < 0) hdf5_fail(SER_EIO, at + "cannot read the file's size");
    l.file_bytes = file_bytes;
    return l;
}

namespace {

// One chunk as stored: where (read with pread later) or its bytes (read by HDF5), and HDF5's
// filter mask. Size 0: never written.
struct StoredChunk {
    ChunkPlace place;
    uint64_t addr = 0, size = 0;
    std::vector<unsigned char> bytes;
    unsigned mask = 0;
};

// Looks chunk i up; with `raw`, only checks that its bytes lie inside the file, else reads them
// through HDF5. Call under the HDF5 lock.
StoredChunk look_up_chunk(hid_t dataset, const ChunkGrid &grid, size_t i, const DeflateChunkLayout &layout,
                          uint32_t max_inflate_ratio, const RawChunkFile *raw, const std::string &at) {
    StoredChunk c{grid.place(i), 0, 0, {}, 0};
    const std::string name = at + ChunkGrid::name(c.place);
    haddr_t addr = HADDR_UNDEF;
    hsize_t size = 0;
    if (H5Dget_chunk_info_by_coord(dataset, c.place.offset.data(), &c.mask, &addr, &size) < 0)
        hdf5_fail(SER_EFORMAT, name + "cannot look the chunk up");
    if (addr == HADDR_UNDEF || size == 0) return c;  // never written
    const uint64_t bytes = grid.chunk_bytes();
    // A zlib stream of a chunk is at most a few bytes per 64 KiB longer; more is not one HDF5 wrote.
    if (size > bytes + bytes / 8 + 4096 || size > layout.file_bytes)
        fail(SER_EFORMAT, name + std::to_string(size) + " stored bytes for a chunk of " + std::to_string(bytes) +
                              " in a file of " + std::to_string(layout.file_bytes));
    // Inflating needs a buffer of the whole chunk: its shape alone must not decide that allocation.
    if (!(c.mask & 1) && max_inflate_ratio && bytes > 1024 && bytes / max_inflate_ratio > size)
        fail(SER_ELIMIT, name + "a chunk of " + std::to_string(bytes) + " bytes from " + std::to_string(size) +
                             " compressed bytes, more than the inflate-ratio limit of " +
                             std::to_string(max_inflate_ratio) + ":1");
    c.addr = addr, c.size = size;
    if (raw) {
        const uint64_t room = raw->size > raw->base ? raw->size - raw->base : 0;  // addressable bytes
        if (c.addr > room || c.size > room - c.addr)
            fail(SER_EFORMAT, name + "stored at bytes [" + std::to_string(c.addr) + ", " +
                                  std::to_string(c.addr + c.size) + ") past the end of the file (" +
                                  std::to_string(room) + " bytes after the userblock; truncated or corrupt?)");
        return c;
    }
    c.bytes.resize(size_t(size));
    uint32_t mask = 0;
    if (H5Dread_chunk(dataset, H5P_DEFAULT, c.place.offset.data(), &mask, c.bytes.data()) < 0)
        hdf5_fail(SER_EFORMAT, name + "cannot read the chunk");
    return c;
}

void decode_chunk(const StoredChunk &c, const ChunkGrid &grid, const DeflateChunkLayout &layout,
                  const RawChunkFile *raw, unsigned char *array, const std::string &at) {
    const size_t bytes = grid.chunk_bytes();
    const ChunkPlace &p = c.place;
    if (c.size == 0) {  // never written: the fill value
        if (p.contiguous) fill_with(array + p.array_at, bytes, layout.fill);
        else grid.fill(p, array, layout.fill);
        return;
    }
    const unsigned char *stored = c.bytes.data();
    if (raw) {
        thread_local std::vector<unsigned char> read_buffer;  // like scratch(), for the stored bytes
        if (read_buffer.size() < c.size) read_buffer.resize(size_t(c.size));
        pread_exact(raw->fd->get(), read_buffer.data(), c.size, raw->base + c.addr, at + ChunkGrid::name(p));
        stored = read_buffer.data();
    }
    unsigned char *chunk = p.contiguous ? array + p.array_at : scratch(bytes);
    if (c.mask & 1) {  // the optional deflate filter was skipped: stored raw
        if (c.size != bytes)
            fail(SER_EFORMAT, at + ChunkGrid::name(p) + "unfiltered chunk of " + std::to_string(c.size) +
                                  " bytes, " + std::to_string(bytes) + " expected");
        std::memcpy(chunk, stored, bytes);
    } else if (!inflate_zlib_exact(stored, size_t(c.size), chunk, bytes)) {
        fail(SER_EFORMAT, at + ChunkGrid::name(p) + "corrupt deflate data (it does not inflate to the " +
                              std::to_string(bytes) + " bytes of a chunk)");
    }
    if (!p.contiguous) grid.copy(p, array, chunk, false);
}

}  // namespace

void read_deflate_chunks(hid_t dataset, const DeflateChunkLayout &layout, const ChunkWindow &window,
                         uint32_t max_inflate_ratio, const RawChunkFile *raw, void *buf, ThreadPool *pool,
                         const std::string &at) {
    const ChunkGrid grid(layout, window);
    auto *array = static_cast<unsigned char *>(buf);
    for_each_batch(
        pool, grid,
        [&](Batch b) {
            std::vector<StoredChunk> stored;
            {
                Hdf5Lock lock;
                for (size_t i = b.first; i < b.end; ++i)
                    stored.push_back(look_up_chunk(dataset, grid, i, layout, max_inflate_ratio, raw, at));
            }
            return [&grid, &layout, &at, raw, array, stored = std::move(stored)] {
                for (const StoredChunk &c : stored) decode_chunk(c, grid, layout, raw, array, at);
                return true;
            };
        },
        [](Batch, bool) {});
}

}  // namespace chainerser::core
