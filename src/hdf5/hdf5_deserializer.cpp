#include "hdf5/hdf5_deserializer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "core/convert.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "hdf5/hdf5_chunked_io.h"
#include "hdf5/hdf5_dataset_layout.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_file.h"
#include "hdf5/hdf5_filters.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_paths.h"
#include "hdf5/hdf5_strings.h"
#include "hdf5/hdf5_types.h"

namespace chainerser::core {

struct Hdf5Deserializer::File {
    std::string name;
    H5Id h5;
    std::optional<RawChunkFile> raw;  // chunk bytes by pread, when the file allows it
    std::vector<std::string> keys;  // sorted; filled on first use
    bool keys_listed = false;
    std::map<std::string, ArrayMeta> metas;  // cache: describing a vlen string dataset reads it
};

namespace {

// The part of a dataset needed to read from it.
struct OpenDataset {
    H5Id dataset;
    H5Id file_type;
    StoredType stored;
};

OpenDataset inspect(H5Id dataset, const std::string &at) {
    OpenDataset d;
    d.dataset = std::move(dataset);
    d.file_type = H5Id(H5Dget_type(d.dataset.get()), SER_EFORMAT, at + "cannot read the datatype");
    d.stored = stored_type_of_dataset(d.dataset.get(), d.file_type.get(), at);
    return d;
}

OpenDataset open_for_read(hid_t file, const std::string &key, const std::string &at) {
    H5Id dataset = hdf5_open_dataset_if_any(file, key);
    if (!dataset) fail(SER_ENOTFOUND, at + "not in the file");
    return inspect(std::move(dataset), at);
}

// libhdf5 1.10 copies a compact dataset's bytes, and an unfiltered chunk, without checking that
// what is stored covers what the dataspace or chunk needs: a crafted file makes it read past its
// own buffer. Check the sizes first.
void check_stored_sizes(const OpenDataset &d, hid_t dcpl, size_t type_size, uint64_t chunk_bytes,
                        const std::string &at) {
    const H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout == H5D_COMPACT) {
        H5Id space(H5Dget_space(d.dataset.get()), SER_EFORMAT, at + "cannot read the dataspace");
        const hssize_t points = H5Sget_simple_extent_npoints(space.get());
        const hsize_t stored = H5Dget_storage_size(d.dataset.get());
        if (points < 0 || (points > 0 && stored / type_size < hsize_t(points)))
            fail(SER_EFORMAT, at + "compact dataset stores " + std::to_string(stored) + " bytes, fewer than its " +
                                  std::to_string(points) + " elements of " + std::to_string(type_size) + " bytes need");
    }
    if (layout != H5D_CHUNKED || H5Pget_nfilters(dcpl) != 0) return;
    H5Id space(H5Dget_space(d.dataset.get()), SER_EFORMAT, at + "cannot read the dataspace");
    hsize_t chunks = 0;
    if (H5Dget_num_chunks(d.dataset.get(), space.get(), &chunks) < 0) hdf5_fail(SER_EFORMAT, at + "cannot count the chunks");
    for (hsize_t i = 0; i < chunks; ++i) {
        hsize_t offset[H5S_MAX_RANK], size = 0;
        unsigned mask = 0;
        haddr_t addr = 0;
        if (H5Dget_chunk_info(d.dataset.get(), space.get(), i, offset, &mask, &addr, &size) < 0)
            hdf5_fail(SER_EFORMAT, at + "cannot read the chunk index");
        if (size != chunk_bytes)
            fail(SER_EFORMAT, at + "unfiltered chunk " + std::to_string(i) + " stores " + std::to_string(size) +
                                  " bytes, not the " + std::to_string(chunk_bytes) + " its shape needs");
    }
}

// Checks what reading `d` needs before any of it is read: a pipeline this libhdf5 decodes, stored
// sizes that cover the data, and a chunk buffer within max_entry_bytes (HDF5 and our reader both
// hold one whole chunk, whatever part of it the read wants).
void check_decodable(const OpenDataset &d, uint64_t max_entry_bytes, const std::string &at) {
    H5Id dcpl(H5Dget_create_plist(d.dataset.get()), SER_EFORMAT, at + "cannot read the dataset properties");
    check_filters_decodable(dcpl.get(), at);
    const size_t type_size = H5Tget_size(d.file_type.get());
    if (type_size == 0) hdf5_fail(SER_EFORMAT, at + "cannot read the element size");
    const uint64_t chunk_bytes = chunk_bytes_of(dcpl.get(), type_size, at);
    if (max_entry_bytes && chunk_bytes > max_entry_bytes)
        fail(SER_ELIMIT, at + "reading it needs a chunk buffer of " + std::to_string(chunk_bytes) +
                             " bytes, more than the entry limit of " + std::to_string(max_entry_bytes));
    check_stored_sizes(d, dcpl.get(), type_size, chunk_bytes, at);
}

// Reads the selection (count elements) into buf in the stored layout; strings as UTF-32 of
// `type`. Call after check_decodable.
void read_selection(const OpenDataset &d, hid_t mem_space, hid_t file_space, uint64_t count, const ElementType &type,
                    void *buf, const std::string &at) {
    if (count == 0) return;
    H5Id mem_type = read_memory_type(d.file_type.get(), d.stored, at);
    if (d.stored.decoded()) {
        pack_utf32(read_strings(d.dataset.get(), mem_type.get(), mem_space, file_space, count, at), type, buf, at);
        return;
    }
    if (H5Dread(d.dataset.get(), mem_type.get(), mem_space, file_space, H5P_DEFAULT, buf) < 0)
        hdf5_fail(SER_EFORMAT, at + "cannot read the data");
}

ArrayMeta describe(const OpenDataset &d, uint64_t max_entry_bytes, const std::string &at) {
    H5Id space(H5Dget_space(d.dataset.get()), SER_EFORMAT, at + "cannot read the dataspace");
    const H5S_class_t cls = H5Sget_simple_extent_type(space.get());
    if (cls == H5S_NULL) return none_meta();  // h5py.Empty, Chainer's None
    if (cls != H5S_SCALAR && cls != H5S_SIMPLE) hdf5_fail(SER_EFORMAT, at + "unknown dataspace class");
    ArrayMeta meta;
    meta.type = d.stored.type;
    if (cls == H5S_SIMPLE) {
        const int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank < 0 || rank > SER_MAX_NDIM) hdf5_fail(SER_EUNSUPPORTED, at + "rank " + std::to_string(rank) + " is not supported");
        std::vector<hsize_t> dims(size_t(rank), 0);
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        for (hsize_t d : dims)
            if (d > hsize_t(INT64_MAX)) fail(SER_EFORMAT, at + "dataspace extent " + std::to_string(d) + " out of range");
        meta.shape.assign(dims.begin(), dims.end());
    }
    try {
        (void)meta.nbytes();  // shape x item size must not overflow
    } catch (const Error &e) {
        fail(e.code(), at + e.what());
    }
    if (d.stored.vlen_string && meta.type.itemsize == 0) {  // no attribute: numpy's width for the strings
        check_decodable(d, max_entry_bytes, at);
        std::vector<std::string> all =
            read_strings(d.dataset.get(), read_memory_type(d.file_type.get(), d.stored, at).get(), H5S_ALL,
                              H5S_ALL, meta.count(), at);
        meta.type.itemsize = 4 * max_code_points(all, at);
    }
    return meta;
}

herr_t collect_dataset(hid_t, const char *name, const H5O_info_t *info, void *data) {
    if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string> *>(data)->emplace_back(name);
    return 0;
}

}  // namespace

Hdf5Deserializer::Hdf5Deserializer(std::string path, std::shared_ptr<const LoadOptions> options,
                                   std::shared_ptr<File> file)
    : AbstractDeserializer(std::move(path), std::move(options)), file_(std::move(file)) {}

Hdf5Deserializer::~Hdf5Deserializer() = default;

std::unique_ptr<AbstractDeserializer> Hdf5Deserializer::open(const std::string &name, std::string prefix,
                                                             std::shared_ptr<const LoadOptions> options) {
    struct stat st;
    if (::stat(name.c_str(), &st) != 0)
        fail(errno == ENOENT ? SER_ENOTFOUND : SER_EIO, name + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) fail(SER_EINVAL, name + ": is a directory");

    Hdf5Lock lock;
    const htri_t is_hdf5 = H5Fis_hdf5(name.c_str());
    if (is_hdf5 <= 0) {
        H5Eclear2(H5E_DEFAULT);
        fail(SER_EFORMAT, name + ": not an HDF5 file (no HDF5 signature)");
    }
    auto file = std::make_shared<File>();
    file->name = name;
    file->h5 = open_hdf5_file(name);
    file->raw = open_raw_chunk_file(file->h5.get());
    return std::make_unique<Hdf5Deserializer>(std::move(prefix), std::move(options), std::move(file));
}

const std::string &Hdf5Deserializer::file_name() const { return file_->name; }

std::unique_ptr<AbstractDeserializer> Hdf5Deserializer::make_child(std::string path) {
    return std::make_unique<Hdf5Deserializer>(std::move(path), shared_options(), file_);
}

const std::vector<std::string> &Hdf5Deserializer::all_keys() {
    Hdf5Lock lock;
    if (file_->keys_listed) return file_->keys;
    std::vector<std::string> keys;
    if (H5Ovisit2(file_->h5.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &keys, H5O_INFO_BASIC) < 0)
        hdf5_fail(SER_EFORMAT, file_->name + ": cannot list the datasets");
    std::sort(keys.begin(), keys.end());
    file_->keys = std::move(keys);
    file_->keys_listed = true;
    return file_->keys;
}

std::optional<ArrayMeta> Hdf5Deserializer::stat_entry(const std::string &key) {
    Hdf5Lock lock;
    auto cached = file_->metas.find(key);
    if (cached != file_->metas.end()) return cached->second;
    const std::string at = where(file_->name, key);
    H5Id dataset = hdf5_open_dataset_if_any(file_->h5.get(), key);
    if (!dataset) return std::nullopt;
    ArrayMeta meta = describe(inspect(std::move(dataset), at), options().max_entry_bytes, at);
    file_->metas.emplace(key, meta);
    return meta;
}

bool Hdf5Deserializer::written_fortran_order(const std::string &key) {
    Hdf5Lock lock;
    const std::string at = where(file_->name, key);
    H5Id dataset = hdf5_open_dataset_if_any(file_->h5.get(), key);
    return dataset && read_fortran_order_attribute(dataset.get(), at);
}

void Hdf5Deserializer::read_entry(const std::string &key, const ArrayMeta &meta, void *buf) {
    const std::string at = where(file_->name, key);
    std::vector<hsize_t> dims(meta.shape.begin(), meta.shape.end());
    read_window(key, {std::vector<hsize_t>(dims.size(), 0), dims}, meta, buf, at);
}

void Hdf5Deserializer::read_window(const std::string &key, const ChunkWindow &window, const ArrayMeta &slab, void *buf,
                                   const std::string &at) {
    std::optional<Hdf5Lock> lock(std::in_place);
    OpenDataset d = open_for_read(file_->h5.get(), key, at);
    if (slab.count() == 0) return;
    check_decodable(d, options().max_entry_bytes, at);
    std::optional<DeflateChunkLayout> layout;
    if (!d.stored.decoded())
        layout = deflate_read_layout(d.dataset.get(), read_memory_type(d.file_type.get(), d.stored, at).get(), at);
    if (layout) {
        // Chunks are looked up under the lock, and read and inflated outside it.
        ThreadPool *pool = options().workers->pool();
        lock.reset();
        return read_deflate_chunks(d.dataset.get(), *layout, window, options().max_inflate_ratio,
                                   file_->raw ? &*file_->raw : nullptr, buf, pool, at);
    }
    if (window.count.empty()) return read_selection(d, H5S_ALL, H5S_ALL, slab.count(), slab.type, buf, at);
    H5Id file_space(H5Dget_space(d.dataset.get()), SER_EFORMAT, at + "cannot read the dataspace");
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, window.offset.data(), nullptr, window.count.data(),
                            nullptr) < 0)
        hdf5_fail(SER_EINVAL, at + "cannot select the hyperslab");
    H5Id mem_space(H5Screate_simple(int(window.count.size()), window.count.data(), nullptr), SER_EINTERNAL,
                   at + "cannot create a dataspace");
    read_selection(d, mem_space.get(), file_space.get(), slab.count(), slab.type, buf, at);
}

void Hdf5Deserializer::read_block(const std::string &key, const ArrayMeta &block, const std::vector<int64_t> &offset,
                                  void *buf) {
    const ChunkWindow window{std::vector<hsize_t>(offset.begin(), offset.end()),
                             std::vector<hsize_t>(block.shape.begin(), block.shape.end())};
    read_window(key, window, block, buf, where(file_->name, key));
}

}  // namespace chainerser::core
