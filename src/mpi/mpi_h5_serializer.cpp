#include "mpi/mpi_h5_serializer.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <functional>
#include <optional>

#include "core/atomic_file.h"
#include "core/byte_buffer.h"
#include "core/convert.h"
#include "core/error.h"
#include "hdf5/hdf5_dataset_layout.h"
#include "hdf5/hdf5_deflate_filter.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_file.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_strings.h"
#include "npz/zip_sink.h"

namespace chainerser::core {

class MpiH5Serializer : public MpiSerializer {
public:
    struct State;  // shared by a root and its children
    MpiH5Serializer(std::string path, std::shared_ptr<State> state);
    ~MpiH5Serializer() override;

    void commit() override;
    void discard() noexcept override;

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    void write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                    const std::vector<Block> &blocks, const void *data) override;

private:
    std::shared_ptr<State> state_;
};

struct MpiH5Serializer::State : MpiSave {
    WriteOptions options;
    std::unique_ptr<AtomicReplace> replace;  // rank 0
    std::string temp;                        // the file being written, beside the target
    H5Id h5;                                 // the file, open on every rank; empty once closed
    // This rank's groups and entries in put order, encoded (every rank decodes every rank's),
    // and where the data of each of its entries lies in `spill`: a nameless scratch file beside
    // the target, made on the first entry with data, so that the entries cost no memory until
    // they are written at close, in slabs of whole rows of chunks of about 8 MiB.
    std::vector<unsigned char> records;
    std::vector<std::pair<uint64_t, uint64_t>> data;  // offset, size
    std::unique_ptr<ScratchFileSink> spill;
};

namespace {

enum Record : unsigned char { kGroup = 1, kEntry = 2 };

void put_bytes(std::vector<unsigned char> &out, const void *data, size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    out.insert(out.end(), p, p + size);
}

void put_u64(std::vector<unsigned char> &out, uint64_t v) { put_bytes(out, &v, sizeof v); }

struct Reader {
    const unsigned char *p, *end;
    const unsigned char *take(uint64_t n) {
        if (uint64_t(end - p) < n) fail(SER_EINTERNAL, "records from another rank are truncated");
        const unsigned char *at = p;
        p += n;
        return at;
    }
    uint64_t u64() {
        uint64_t v;
        std::memcpy(&v, take(8), 8);
        return v;
    }
    std::string string() {
        const uint64_t n = u64();
        return std::string(reinterpret_cast<const char *>(take(n)), size_t(n));
    }
};

// One rank's record as every rank decodes it.
struct Item {
    unsigned char kind;
    std::string key;
    ArrayMeta meta;
    std::vector<unsigned char> text;  // str entries: their data, for rank 0 to write at the end
    size_t index;                     // the owner's data[index]
    int owner;
};

std::vector<unsigned char> all_records(const Comm &comm, const std::vector<unsigned char> &mine) {
    uint64_t size = mine.size(), total = 0;
    check_mpi(MPI_Allreduce(&size, &total, 1, MPI_UINT64_T, MPI_SUM, comm.get()), "MPI_Allreduce", SER_EINTERNAL);
    if (total > INT_MAX) fail(SER_EUNSUPPORTED, "the entry lists of all ranks exceed 2 GiB");
    const int n = int(size);
    std::vector<int> sizes(size_t(comm.size())), displs(size_t(comm.size()));
    check_mpi(MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, comm.get()), "MPI_Allgather", SER_EINTERNAL);
    for (size_t r = 1; r < sizes.size(); ++r) displs[r] = displs[r - 1] + sizes[r - 1];
    std::vector<unsigned char> all(size_t(total) + 1);
    check_mpi(MPI_Allgatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE, comm.get()),
              "MPI_Allgatherv", SER_EINTERNAL);
    all.pop_back();
    // Each rank's records, prefixed with its rank and size, in rank order.
    std::vector<unsigned char> out;
    for (size_t r = 0; r < sizes.size(); ++r) {
        put_u64(out, r);
        put_u64(out, uint64_t(sizes[r]));
        put_bytes(out, all.data() + displs[r], size_t(sizes[r]));
    }
    return out;
}

std::vector<Item> decode(const std::vector<unsigned char> &all) {
    std::vector<Item> items;
    Reader top{all.data(), all.data() + all.size()};
    while (top.p != top.end) {
        const int rank = int(top.u64());
        const uint64_t size = top.u64();
        Reader r{top.take(size), nullptr};
        r.end = r.p + size;
        size_t index = 0;
        while (r.p != r.end) {
            Item it;
            it.owner = rank;
            it.kind = *r.take(1);
            it.key = r.string();
            if (it.kind == kEntry) {
                ser_array_info info;
                std::memcpy(&info, r.take(sizeof info), sizeof info);
                it.meta = info.dtype == SER_NONE ? none_meta() : meta_from_info(info);
                const uint64_t text = r.u64();
                const unsigned char *t = r.take(text);
                it.text.assign(t, t + text);
                it.index = index++;
            }
            items.push_back(std::move(it));
        }
    }
    return items;
}

H5Id collective_transfer(const std::string &at) {
    H5Id dxpl(H5Pcreate(H5P_DATASET_XFER), SER_EINTERNAL, at + "cannot create transfer properties");
    check_h5(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), SER_EINTERNAL, at + "cannot set collective transfers");
    return dxpl;
}

// Collective: `dataset` written from this rank's block (offset, count) of `data`, or nothing when
// `empty` (the other ranks' blocks are written by them).
void write_block(hid_t dataset, hid_t type, const std::vector<int64_t> &offset, const std::vector<int64_t> &count,
                 bool empty, const void *data, const std::string &at) {
    H5Id file_space(H5Dget_space(dataset), SER_EINTERNAL, at + "cannot get the dataspace");
    H5Id mem_space;
    if (H5Sget_simple_extent_type(file_space.get()) == H5S_SCALAR) {
        mem_space = H5Id(H5Screate(H5S_SCALAR), SER_EINTERNAL, at + "cannot create a dataspace");
    } else {
        std::vector<hsize_t> dims(count.begin(), count.end()), start(offset.begin(), offset.end());
        mem_space = H5Id(H5Screate_simple(int(dims.size()), dims.data(), nullptr), SER_EINTERNAL, at + "cannot create a dataspace");
        if (!empty)
            check_h5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr),
                     SER_EINTERNAL, at + "cannot select the block");
    }
    if (empty) {
        check_h5(H5Sselect_none(file_space.get()), SER_EINTERNAL, at + "cannot select nothing");
        check_h5(H5Sselect_none(mem_space.get()), SER_EINTERNAL, at + "cannot select nothing");
    }
    static const unsigned char none[16] = {};
    H5Id dxpl = collective_transfer(at);
    check_h5(H5Dwrite(dataset, type, mem_space.get(), file_space.get(), dxpl.get(), data ? data : none), SER_EIO,
             at + "cannot write the data");
}

// One collective write of a dataset: this rank's block (offset, count) of `data`, or nothing when
// `empty` (the other ranks' blocks are written by them).
struct BlockWrite {
    std::vector<int64_t> offset, count;
    bool empty = true;
    const void *data = nullptr;
};

// Dataset `key` created, written in `writes` collective writes (part(i) reads what this rank
// writes in write i, as an agreed step of its own), and closed: each collective HDF5 call its own
// agreed step. A rank whose call failed (a write past RLIMIT_FSIZE, a full disk) must not go on
// to the next collective call while the others make it, or the ranks wait for each other in
// different collectives (H5Fflush's barrier against our agreement). `exists`, when not empty,
// replaces the message of a SER_EEXISTS creation.
void write_dataset_agreed(const Comm &comm, hid_t file, const std::string &key, const DatasetLayout &layout,
                          size_t writes, const std::function<BlockWrite(size_t)> &part, const std::string &at,
                          const std::string &exists = "") {
    Hdf5Lock lock;  // first: the dataset is closed under it, also when a step throws
    const DeflateFilterOverride libdeflate;  // the collective writes compress with libdeflate
    H5Id dataset;
    collectively(comm, [&] {
        try {
            dataset = create_h5py_dataset(file, key, layout, at);
        } catch (const Error &e) {
            if (e.code() != SER_EEXISTS || exists.empty()) throw;
            fail(SER_EEXISTS, exists);
        }
    });
    for (size_t i = 0; i < writes; ++i) {
        BlockWrite b;
        collectively(comm, [&] { b = part(i); });
        collectively(comm, [&] { write_block(dataset.get(), layout.type.get(), b.offset, b.count, b.empty, b.data, at); });
    }
    collectively(comm, [&] { check_h5(H5Dclose(dataset.release()), SER_EIO, at + "cannot write the data"); });
}

// A rank-local entry is written in slabs of whole rows of chunks of about this many bytes, each
// read back from the rank's scratch file just before it is written.
constexpr uint64_t kLocalSlabBytes = uint64_t(8) << 20;

// Parallel HDF5 writes no variable-length data: rank 0 writes the strings into the closed file.
void write_strings_serially(const std::string &temp, const std::string &file, const std::vector<Item> &items) {
    bool any = false;
    for (const Item &it : items) any |= it.kind == kEntry && it.meta.type.dtype == SER_UNICODE && it.meta.count();
    if (!any) return;
    H5Id fapl = h5py_write_access(file + ": ");
    H5Id h5(H5Fopen(temp.c_str(), H5F_ACC_RDWR, fapl.get()), SER_EIO, file + ": cannot reopen the file for its strings");
    for (const Item &it : items) {
        if (it.kind != kEntry || it.meta.type.dtype != SER_UNICODE || !it.meta.count()) continue;
        const std::string at = where(file, it.key);
        H5Id dataset(H5Dopen2(h5.get(), it.key.c_str(), H5P_DEFAULT), SER_EINTERNAL, at + "cannot open the dataset");
        H5Id type(H5Dget_type(dataset.get()), SER_EINTERNAL, at + "cannot get the datatype");
        write_strings(dataset.get(), type.get(), utf8_strings_of(it.text.data(), it.meta.count(), it.meta.type, at), at);
    }
    check_h5(H5Fclose(h5.release()), SER_EIO, file + ": cannot finish writing the strings");
}

}  // namespace

MpiH5Serializer::MpiH5Serializer(std::string path, std::shared_ptr<State> state)
    : MpiSerializer(std::move(path), state), state_(std::move(state)) {}

MpiH5Serializer::~MpiH5Serializer() = default;

std::unique_ptr<MpiSerializer> create_mpi_h5_writer(std::shared_ptr<Comm> comm, const std::string &file,
                                                    const WriteOptions &options) {
    auto s = std::make_shared<MpiH5Serializer::State>();
    s->comm = std::move(comm);
    s->file = file;
    s->options = with_default_level(options, kH5pyDefaultLevel);
    const Comm &c = *s->comm;
    collectively(c, [&] {
        if (c.rank() != 0) return;
        s->replace = std::make_unique<AtomicReplace>(file);
        s->temp = s->replace->temp_path();
    });
    uint64_t len = s->temp.size();
    check_mpi(MPI_Bcast(&len, 1, MPI_UINT64_T, 0, c.get()), "MPI_Bcast", SER_EINTERNAL);
    s->temp.resize(size_t(len));
    check_mpi(MPI_Bcast(s->temp.data(), int(len), MPI_CHAR, 0, c.get()), "MPI_Bcast", SER_EINTERNAL);
    try {
        collectively(c, [&] {
            Hdf5Lock lock;
            const std::string at = file + ": ";
            H5Id fapl = h5py_write_access(at);
            check_h5(H5Pset_fapl_mpio(fapl.get(), c.get(), MPI_INFO_NULL), SER_EINTERNAL, at + "cannot set the MPI-IO driver");
            check_h5(H5Pset_all_coll_metadata_ops(fapl.get(), true), SER_EINTERNAL, at + "cannot set collective metadata reads");
            check_h5(H5Pset_coll_metadata_write(fapl.get(), true), SER_EINTERNAL, at + "cannot set collective metadata writes");
            s->h5 = create_hdf5_file(s->temp, fapl.get(), file);
        });
    } catch (...) {
        if (s->replace) s->replace->abandon();
        throw;
    }
    return std::make_unique<MpiH5Serializer>("", std::move(s));
}

std::unique_ptr<AbstractSerializer> MpiH5Serializer::make_child(std::string path) {
    State &s = *state_;
    s.check_open();
    s.records.push_back(kGroup);  // Chainer's require_group, made collectively at commit
    put_u64(s.records, path.size());
    put_bytes(s.records, path.data(), path.size());
    return std::make_unique<MpiH5Serializer>(std::move(path), state_);
}

void MpiH5Serializer::write_entry(const std::string &key, const ConstArrayView &value) {
    State &s = *state_;
    s.check_open();
    ArrayMeta meta = value.meta;
    const bool text = meta.type.dtype == SER_UNICODE;
    std::vector<unsigned char> bytes;  // the data in C order, when it is not already
    const void *c_order = value.data;
    if (meta.fortran_order && meta.shape.size() > 1) {
        bytes.resize(value.nbytes);
        fortran_to_c(value.data, bytes.data(), meta.shape, meta.type.itemsize);
        c_order = bytes.data();
    } else if (text) {
        bytes.assign(static_cast<const unsigned char *>(value.data), static_cast<const unsigned char *>(value.data) + value.nbytes);
    }
    // Now C order; kept only as the mark h5py_dataset_layout writes (kFortranOrderAttribute).
    meta.fortran_order = numpy_fortran_order(meta);
    std::pair<uint64_t, uint64_t> span{0, 0};
    if (!text && value.nbytes) {
        if (!s.spill) s.spill = std::make_unique<ScratchFileSink>(s.file);
        span = {s.spill->size(), value.nbytes};
        if (int err = s.spill->write(c_order, value.nbytes))
            fail(SER_EIO, where(s.file, key) + "cannot write to a scratch file beside the file: " + std::strerror(err));
    }
    s.records.push_back(kEntry);
    put_u64(s.records, key.size());
    put_bytes(s.records, key.data(), key.size());
    const ser_array_info info = info_from_meta(meta);
    put_bytes(s.records, &info, sizeof info);
    put_u64(s.records, text ? bytes.size() : 0);
    if (text) put_bytes(s.records, bytes.data(), bytes.size());
    s.data.push_back(span);
}

void MpiH5Serializer::write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &,
                                 const std::vector<Block> &blocks, const void *data) {
    State &s = *state_;
    const Comm &comm = *s.comm;
    const std::string at = where(s.file, full);
    const Block &own = blocks[size_t(comm.rank())];
    bool empty = false;
    for (int64_t c : own.count) empty |= c == 0;
    // A 0-d entry's block is (0,), (1,) here, and its dataset scalar.
    const std::vector<int64_t> offset = global.shape.empty() ? std::vector<int64_t>() : own.offset;
    const std::vector<int64_t> count = global.shape.empty() ? std::vector<int64_t>() : own.count;
    Hdf5Lock lock;  // first: the layout is released under it, also when a step throws
    DatasetLayout layout;
    collectively(comm, [&] { layout = h5py_dataset_layout(global, s.options, at); });
    write_dataset_agreed(comm, s.h5.get(), full, layout, global.count() != 0 ? 1 : 0,
                         [&](size_t) { return BlockWrite{offset, count, empty, data}; }, at);
}

void MpiH5Serializer::commit() {
    State &s = *state_;
    const Comm &comm = *s.comm;
    const auto alone = [&] {
        s.h5.release();  // closing a parallel file is collective: left to MPI_Finalize
        if (s.replace) s.replace->abandon();
    };
    const auto together = [&] {  // every rank is here: the parallel file can be closed
        Hdf5Lock lock;
        if (s.h5) H5Fclose(s.h5.release()), H5Eclear2(H5E_DEFAULT);
        if (s.replace) s.replace->abandon();
    };
    agree_commit(alone, together);
    try {
        const std::vector<Item> items = decode(all_records(comm, s.records));
        collectively(comm, [&] {
            if (s.spill) s.spill->commit();  // flushed, to be read back
        });
        const hid_t file = s.h5.get();
        for (const Item &it : items) {
            const std::string at = where(s.file, it.key);
            Hdf5Lock lock;  // first: the layout is released under it, also when a step throws
            if (it.kind == kGroup) {
                collectively(comm, [&] { ensure_group(file, it.key, s.file + ": group '" + it.key + "': "); });
                continue;
            }
            std::optional<Utf8Strings> strings;  // every rank has them: the type depends on them
            if (it.meta.type.dtype == SER_UNICODE)
                strings = utf8_strings_of(it.text.data(), it.meta.count(), it.meta.type, at);
            const DatasetLayout layout = h5py_dataset_layout(it.meta, s.options, at, strings ? &*strings : nullptr);
            const bool mine = it.owner == comm.rank();
            const std::vector<int64_t> origin(it.meta.shape.size(), 0);
            // Slabs of whole rows of chunks, the same number on every rank (all know the shape and
            // layout); only the slab being written is in memory, read back from the scratch file.
            const std::vector<int64_t> &shape = it.meta.shape;
            uint64_t row_bytes = it.meta.type.itemsize;
            for (size_t k = 1; k < shape.size(); ++k) row_bytes *= uint64_t(shape[k]);
            const int64_t rows = shape.empty() ? 1 : shape[0];
            const int64_t chunk_rows = layout.chunks.empty() ? 1 : int64_t(layout.chunks[0]);
            const int64_t slab_rows =
                shape.empty() ? 1 : std::max<int64_t>(1, int64_t(kLocalSlabBytes / std::max<uint64_t>(row_bytes, 1)) / chunk_rows) * chunk_rows;
            const bool data = it.meta.count() && it.meta.type.dtype != SER_UNICODE;
            const size_t writes = data ? size_t((rows + slab_rows - 1) / slab_rows) : 0;
            ByteBuffer bytes;
            const auto part = [&](size_t i) {
                BlockWrite b{origin, origin, !mine, nullptr};
                if (!mine) return b;
                const int64_t r0 = int64_t(i) * slab_rows, r1 = std::min(rows, r0 + slab_rows);
                if (!shape.empty()) b.offset[0] = r0, b.count = shape, b.count[0] = r1 - r0;
                const uint64_t size = uint64_t(r1 - r0) * row_bytes;
                if (bytes.size() < size) bytes = ByteBuffer(size_t(size));
                s.spill->read(s.data[it.index].first + uint64_t(r0) * row_bytes, bytes.data(), size_t(size));
                b.data = bytes.data();
                return b;
            };
            write_dataset_agreed(comm, file, it.key, layout, writes, part, at,
                                 at + "put by rank " + std::to_string(it.owner) + " and by another rank or slab");
        }
        s.data.clear();
        s.spill.reset();
        collectively(comm, [&] {
            Hdf5Lock lock;
            check_h5(H5Fflush(s.h5.get(), H5F_SCOPE_LOCAL), SER_EIO, s.file + ": cannot finish writing the HDF5 file");
        });
        collectively(comm, [&] {
            Hdf5Lock lock;
            check_h5(H5Fclose(s.h5.release()), SER_EIO, s.file + ": cannot finish writing the HDF5 file");
        });
        collectively(comm, [&] {
            if (comm.rank() != 0) return;
            Hdf5Lock lock;
            write_strings_serially(s.temp, s.file, items);
            s.replace->commit();
        });
    } catch (...) {
        together();
        throw;
    }
}

void MpiH5Serializer::discard() noexcept {
    State &s = *state_;
    if (s.closed) return;
    s.closed = true;
    bool together = s.broken.code == SER_OK;
    if (together) together = capture([&] { agree_call(*s.comm, CallSignature("ser_discard")); }).code == SER_OK;
    Hdf5Lock lock;
    if (together && s.h5) H5Fclose(s.h5.release()), H5Eclear2(H5E_DEFAULT);
    s.h5.release();
    if (s.replace) s.replace->abandon();
}

}  // namespace chainerser::core
