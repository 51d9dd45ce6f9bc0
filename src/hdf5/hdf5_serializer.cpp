#include "hdf5/hdf5_serializer.h"

#include <optional>
#include <vector>

#include "core/atomic_file.h"
#include "core/convert.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "hdf5/hdf5_chunked_io.h"
#include "hdf5/hdf5_dataset_layout.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_file.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_strings.h"

namespace chainerser::core {

struct Hdf5Serializer::File {
    std::string name;
    WriteOptions options;
    std::unique_ptr<AtomicReplace> replace;  // declared before `h5` so the file closes first
    H5Id h5;                                 // empty once committed or discarded
    std::string failed;                      // why a write failed: the file is then never committed
};

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
    H5Id fapl = h5py_write_access(at);
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

    const ArrayMeta &meta = value.meta;
    const void *data = value.data;
    std::vector<unsigned char> c_order;
    if (meta.fortran_order && meta.shape.size() > 1) {
        c_order.resize(value.nbytes);
        fortran_to_c(value.data, c_order.data(), meta.shape, meta.type.itemsize);
        data = c_order.data();
    }

    std::optional<Utf8Strings> strings;
    if (meta.type.dtype == SER_UNICODE) strings = utf8_strings_of(data, meta.count(), meta.type, at);
    const DatasetLayout h5py = h5py_dataset_layout(meta, file_->options, at, strings ? &*strings : nullptr);
    const hid_t type = h5py.type.get();
    const std::vector<hsize_t> &chunks = h5py.chunks;
    H5Id dataset = create_h5py_dataset(file, key, h5py, at);
    if (meta.is_none() || meta.count() == 0) return;
    if (strings) return write_strings(dataset.get(), type, *strings, at);
    if (chunks.empty() || H5Tget_size(type) != meta.type.itemsize) {
        check_h5(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), SER_EIO, at + "cannot write the data");
        check_h5(H5Dclose(dataset.release()), SER_EIO, at + "cannot write the data");
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
    check_h5(H5Dclose(dataset.release()), SER_EIO, at + "cannot write the data");
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
