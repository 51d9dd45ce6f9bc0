#include "hdf5/hdf5_serializer.h"

#include <optional>
#include <vector>

#include "core/atomic_file.h"
#include "core/convert.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "hdf5/hdf5_chunk.h"
#include "hdf5/hdf5_chunked_io.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_file.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_paths.h"
#include "hdf5/hdf5_strings.h"
#include "hdf5/hdf5_types.h"

namespace chainerser::core {

struct Hdf5Serializer::File {
    std::string name;
    WriteOptions options;
    std::unique_ptr<AtomicReplace> replace;  // declared before `h5` so the file closes first
    H5Id h5;                                 // empty once committed or discarded
    std::string failed;                      // why a write failed: the file is then never committed
};

namespace {

constexpr int kH5pyDefaultLevel = 4;  // Chainer's save_hdf5(compression=4)

// numpy's itemsize, which h5py's chunk guess uses: an object (str) array has 8-byte pointers.
size_t chunk_typesize(const ElementType &t) { return t.dtype == SER_UNICODE ? sizeof(char *) : t.itemsize; }

void check(herr_t status, int code, const std::string &context) {
    if (status < 0) hdf5_fail(code, context);
}

H5Id dataspace_for(const ArrayMeta &meta, const std::string &at) {
    if (meta.is_none()) return H5Id(H5Screate(H5S_NULL), SER_EINTERNAL, at + "cannot create a NULL dataspace");
    if (meta.shape.empty()) return H5Id(H5Screate(H5S_SCALAR), SER_EINTERNAL, at + "cannot create a scalar dataspace");
    std::vector<hsize_t> dims(meta.shape.begin(), meta.shape.end());
    return H5Id(H5Screate_simple(int(dims.size()), dims.data(), nullptr), SER_EINTERNAL, at + "cannot create a dataspace");
}

// h5py's create_dataset(data=..., compression=level) chunks datasets of more than one element
// with its guess and deflates them; smaller ones stay contiguous and unfiltered. Empty: contiguous.
std::vector<hsize_t> chunk_shape(const ArrayMeta &meta, const WriteOptions &options) {
    if (meta.is_none() || meta.count() <= 1 || !options.compress) return {};
    std::vector<int64_t> guess = h5py_guess_chunk(meta.shape, chunk_typesize(meta.type));
    return std::vector<hsize_t>(guess.begin(), guess.end());
}

// h5py's dataset creation properties: no timestamps; `chunks` and gzip at the level when chunked.
H5Id creation_properties(const std::vector<hsize_t> &chunks, const WriteOptions &options, const std::string &at) {
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), SER_EINTERNAL, at + "cannot create dataset properties");
    check(H5Pset_obj_track_times(dcpl.get(), 0), SER_EINTERNAL, at + "cannot switch off timestamps");
    if (chunks.empty()) return dcpl;
    check(H5Pset_chunk(dcpl.get(), int(chunks.size()), chunks.data()), SER_EINTERNAL, at + "cannot set the chunk shape");
    check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC), SER_EINTERNAL, at + "cannot set the fill time");
    check(H5Pset_deflate(dcpl.get(), unsigned(options.level)), SER_EINTERNAL, at + "cannot set gzip compression");
    return dcpl;
}

void write_strings(hid_t dataset, hid_t type, const ConstArrayView &value, const std::string &at) {
    std::vector<std::string> strings = utf8_strings_of(value.data, value.meta.count(), value.meta.type, at);
    std::vector<const char *> ptrs;
    ptrs.reserve(strings.size());
    for (const std::string &s : strings) ptrs.push_back(s.c_str());
    check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), SER_EIO, at + "cannot write the strings");
}

void ensure_group(hid_t file, const std::string &path, const std::string &at) {
    if (hdf5_path_exists(file, path)) {
        H5Id object(H5Oopen(file, path.c_str(), H5P_DEFAULT), SER_EINVAL, at + "cannot open the group");
        if (H5Iget_type(object.get()) != H5I_GROUP) fail(SER_EEXISTS, at + "a dataset already has this name");
        return;
    }
    H5Id lcpl = h5py_link_properties(at);
    H5Id(H5Gcreate2(file, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), SER_EINVAL, at + "cannot create the group");
}

}  // namespace

Hdf5Serializer::Hdf5Serializer(std::string path, std::shared_ptr<File> file)
    : AbstractSerializer(std::move(path)), file_(std::move(file)) {}

Hdf5Serializer::~Hdf5Serializer() = default;

std::unique_ptr<AbstractSerializer> Hdf5Serializer::create(const std::string &name, const WriteOptions &options) {
    auto file = std::make_shared<File>();
    file->name = name;
    file->options = with_default_level(options, kH5pyDefaultLevel);
    file->replace = std::make_unique<AtomicReplace>(name);

    Hdf5Lock lock;
    const std::string at = name + ": ";
    H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), SER_EINTERNAL, at + "cannot create file access properties");
    // h5py's File(name, 'w'): libver ('earliest', 'latest'). A strong close degree makes H5Fclose
    // final even if an object id were still open, so the rename sees the complete file.
    check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_LATEST), SER_EINTERNAL, at + "cannot set libver");
    check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), SER_EINTERNAL, at + "cannot set the close degree");
    // No sieve buffer and no chunk cache: raw data reaches the file inside H5Dwrite, so a failed
    // write is reported by the put that made it. (A write that fails later, when HDF5 flushes a
    // dataset as it closes, leaves the dataset id half freed and HDF5 1.10 crashes at exit.)
    check(H5Pset_sieve_buf_size(fapl.get(), 0), SER_EINTERNAL, at + "cannot set the sieve buffer size");
    check(H5Pset_cache(fapl.get(), 0, 1, 0, 1.0), SER_EINTERNAL, at + "cannot set the chunk cache");
    file->h5 = create_hdf5_file(file->replace->temp_path(), fapl.get(), name);
    return std::make_unique<Hdf5Serializer>("", std::move(file));
}

const std::string &Hdf5Serializer::file_name() const { return file_->name; }

std::unique_ptr<AbstractSerializer> Hdf5Serializer::make_child(std::string path) {
    Hdf5Lock lock;
    if (!file_->h5) fail(SER_EINVAL, file_->name + ": the file is already closed");
    // Chainer's require_group runs as soon as a child is asked for, so even empty children leave a group.
    ensure_group(file_->h5.get(), path, file_->name + ": group '" + path + "': ");
    return std::make_unique<Hdf5Serializer>(std::move(path), file_);
}

void Hdf5Serializer::write_entry(const std::string &key, const ConstArrayView &value) {
    {
        Hdf5Lock lock;
        if (!file_->failed.empty()) fail(SER_EIO, file_->name + ": an earlier write failed (" + file_->failed + ")");
    }
    try {
        write_dataset(key, value);
    } catch (const Error &e) {
        if (e.code() == SER_EIO) {  // the file may lack data: never commit it
            Hdf5Lock lock;
            const std::string what = e.what();
            file_->failed = what.substr(0, what.find(" (HDF5: "));
        }
        throw;
    }
}

void Hdf5Serializer::write_dataset(const std::string &key, const ConstArrayView &value) {
    std::optional<Hdf5Lock> lock(std::in_place);
    if (!file_->h5) fail(SER_EINVAL, file_->name + ": the file is already closed");
    const std::string at = where(file_->name, key);
    const hid_t file = file_->h5.get();
    if (hdf5_path_exists(file, key)) fail(SER_EEXISTS, at + "already written");

    const ArrayMeta &meta = value.meta;
    const void *data = value.data;
    std::vector<unsigned char> c_order;
    if (meta.fortran_order && meta.shape.size() > 1) {
        c_order.resize(value.nbytes);
        fortran_to_c(value.data, c_order.data(), meta.shape, meta.type.itemsize);
        data = c_order.data();
    }

    H5Id type = h5py_datatype(meta.type, at);
    H5Id space = dataspace_for(meta, at);
    const std::vector<hsize_t> chunks = chunk_shape(meta, file_->options);
    H5Id dcpl = creation_properties(chunks, file_->options, at);
    H5Id lcpl = h5py_link_properties(at);
    H5Id dataset(H5Dcreate2(file, key.c_str(), type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT), SER_EINVAL,
                 at + "cannot create the dataset");
    if (meta.is_none() || meta.count() == 0) return;
    if (meta.type.dtype == SER_UNICODE) return write_strings(dataset.get(), type.get(), {meta, data, value.nbytes}, at);
    if (chunks.empty() || H5Tget_size(type.get()) != meta.type.itemsize) {
        check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), SER_EIO, at + "cannot write the data");
        check(H5Dclose(dataset.release()), SER_EIO, at + "cannot write the data");
        return;
    }
    // The chunks HDF5's deflate filter would write, compressed here outside the lock.
    DeflateChunkLayout layout;
    layout.dims.assign(meta.shape.begin(), meta.shape.end());
    layout.chunk = chunks;
    layout.itemsize = meta.type.itemsize;
    layout.fill.assign(layout.itemsize, 0);
    ThreadPool *pool = file_->options.workers->pool();
    lock.reset();
    write_deflate_chunks(dataset.get(), layout, file_->options.level, data, pool, at);
    lock.emplace();
    check(H5Dclose(dataset.release()), SER_EIO, at + "cannot write the data");
}

void Hdf5Serializer::commit() {
    Hdf5Lock lock;
    if (!file_->h5) fail(SER_EINVAL, file_->name + ": the file is already closed");
    if (!file_->failed.empty()) {
        discard();
        fail(SER_EIO, file_->name + ": not saved, an earlier write failed (" + file_->failed + ")");
    }
    if (H5Fflush(file_->h5.get(), H5F_SCOPE_LOCAL) < 0) {  // a write failing now leaves H5Fclose nothing to fail on
        std::string stack = hdf5_error_stack();
        discard();
        hdf5_fail(SER_EIO, file_->name + ": cannot finish writing the HDF5 file", stack);
    }
    hid_t h5 = file_->h5.release();
    if (H5Fclose(h5) < 0) {
        file_->replace->abandon();
        hdf5_fail(SER_EIO, file_->name + ": cannot finish writing the HDF5 file");
    }
    file_->replace->commit();
}

void Hdf5Serializer::discard() noexcept {
    Hdf5Lock lock;
    if (file_->h5) close_failed_hdf5_file(file_->h5.release());
    if (file_->replace) file_->replace->abandon();
}

}  // namespace chainerser::core
