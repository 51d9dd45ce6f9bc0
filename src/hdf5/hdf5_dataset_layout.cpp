#include "hdf5/hdf5_dataset_layout.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "hdf5/hdf5_chunk.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_paths.h"
#include "hdf5/hdf5_strings.h"
#include "hdf5/hdf5_types.h"

namespace chainerser::core {
namespace {

// numpy's itemsize, which h5py's chunk guess uses: an object (str) array has 8-byte pointers, a
// bytes array of fixed-length strings their length.
size_t chunk_typesize(const ElementType &t, const Utf8Strings *strings) {
    if (t.dtype != SER_UNICODE) return t.itemsize;
    return strings && strings->fixed_size ? strings->fixed_size : sizeof(char *);
}

H5Id dataspace_for(const ArrayMeta &meta, const std::string &at) {
    if (meta.is_none()) return H5Id(H5Screate(H5S_NULL), SER_EINTERNAL, at + "cannot create a NULL dataspace");
    if (meta.shape.empty()) return H5Id(H5Screate(H5S_SCALAR), SER_EINTERNAL, at + "cannot create a scalar dataspace");
    std::vector<hsize_t> dims(meta.shape.begin(), meta.shape.end());
    return H5Id(H5Screate_simple(int(dims.size()), dims.data(), nullptr), SER_EINTERNAL, at + "cannot create a dataspace");
}

// h5py chunks datasets of more than one element with its guess; smaller ones stay contiguous.
std::vector<hsize_t> chunk_shape(const ArrayMeta &meta, const WriteOptions &options, const Utf8Strings *strings) {
    if (meta.is_none() || meta.count() <= 1 || !options.compress) return {};
    std::vector<int64_t> guess = h5py_guess_chunk(meta.shape, chunk_typesize(meta.type, strings));
    return std::vector<hsize_t>(guess.begin(), guess.end());
}

// h5py's dataset creation properties: no timestamps; `chunks` and gzip at the level when chunked.
H5Id creation_properties(const std::vector<hsize_t> &chunks, const WriteOptions &options, const std::string &at) {
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), SER_EINTERNAL, at + "cannot create dataset properties");
    check_h5(H5Pset_obj_track_times(dcpl.get(), 0), SER_EINTERNAL, at + "cannot switch off timestamps");
    if (chunks.empty()) return dcpl;
    check_h5(H5Pset_chunk(dcpl.get(), int(chunks.size()), chunks.data()), SER_EINTERNAL, at + "cannot set the chunk shape");
    check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC), SER_EINTERNAL, at + "cannot set the fill time");
    check_h5(H5Pset_deflate(dcpl.get(), unsigned(options.level)), SER_EINTERNAL, at + "cannot set gzip compression");
    return dcpl;
}

void write_fortran_order_attribute(hid_t dataset, const std::string &at) {
    const std::string what = at + "cannot write the attribute " + kFortranOrderAttribute;
    H5Id type = h5py_datatype(ElementType{SER_BOOL, SER_BYTEORDER_NA, 1}, at);
    H5Id space(H5Screate(H5S_SCALAR), SER_EINTERNAL, what);
    H5Id attr(H5Acreate2(dataset, kFortranOrderAttribute, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), SER_EIO, what);
    const unsigned char yes = 1;
    if (H5Awrite(attr.get(), type.get(), &yes) < 0) hdf5_fail(SER_EIO, what);
}

}  // namespace

void check_h5(herr_t status, int code, const std::string &context) {
    if (status < 0) hdf5_fail(code, context);
}

H5Id h5py_write_access(const std::string &at) {
    H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), SER_EINTERNAL, at + "cannot create file access properties");
    // h5py's File(name, 'w'): libver ('earliest', 'latest'). A strong close degree makes H5Fclose
    // final even if an object id were still open, so the rename sees the complete file.
    check_h5(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_LATEST), SER_EINTERNAL, at + "cannot set libver");
    check_h5(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), SER_EINTERNAL, at + "cannot set the close degree");
    // No sieve buffer and no chunk cache: raw data reaches the file inside H5Dwrite, so a failed
    // write is reported by the put that made it. (A write that fails later, when HDF5 flushes a
    // dataset as it closes, leaves the dataset id half freed and HDF5 1.10 crashes at exit.)
    check_h5(H5Pset_sieve_buf_size(fapl.get(), 0), SER_EINTERNAL, at + "cannot set the sieve buffer size");
    check_h5(H5Pset_cache(fapl.get(), 0, 1, 0, 1.0), SER_EINTERNAL, at + "cannot set the chunk cache");
    return fapl;
}

DatasetLayout h5py_dataset_layout(const ArrayMeta &meta, const WriteOptions &options, const std::string &at,
                                  const Utf8Strings *strings) {
    DatasetLayout l;
    const bool fixed = meta.type.dtype == SER_UNICODE && strings && strings->fixed_size;
    l.type = fixed ? h5py_string_type(strings->fixed_size, H5T_CSET_UTF8, at) : h5py_datatype(meta.type, at);
    if (meta.type.dtype == SER_UNICODE) l.numpy_dtype = meta.type;
    l.fortran_order = numpy_fortran_order(meta);
    l.space = dataspace_for(meta, at);
    l.chunks = chunk_shape(meta, options, strings);
    l.dcpl = creation_properties(l.chunks, options, at);
    return l;
}

H5Id create_h5py_dataset(hid_t file, const std::string &key, const DatasetLayout &layout, const std::string &at) {
    if (hdf5_path_exists(file, key)) fail(SER_EEXISTS, at + "already written");
    H5Id lcpl = h5py_link_properties(at);
    H5Id dataset(H5Dcreate2(file, key.c_str(), layout.type.get(), layout.space.get(), lcpl.get(), layout.dcpl.get(), H5P_DEFAULT),
                 SER_EINVAL, at + "cannot create the dataset");
    if (layout.numpy_dtype) write_numpy_dtype_attribute(dataset.get(), *layout.numpy_dtype, at);
    if (layout.fortran_order) write_fortran_order_attribute(dataset.get(), at);
    return dataset;
}

bool read_fortran_order_attribute(hid_t dataset, const std::string &at) {
    const htri_t exists = H5Aexists(dataset, kFortranOrderAttribute);
    if (exists < 0) hdf5_fail(SER_EFORMAT, at + "cannot list the attributes");
    if (!exists) return false;
    const std::string bad = at + "attribute " + kFortranOrderAttribute + " ";
    H5Id attr(H5Aopen(dataset, kFortranOrderAttribute, H5P_DEFAULT), SER_EFORMAT, bad + "cannot be opened");
    H5Id type(H5Aget_type(attr.get()), SER_EFORMAT, bad + "has no readable datatype");
    H5Id space(H5Aget_space(attr.get()), SER_EFORMAT, bad + "has no readable dataspace");
    const H5T_class_t cls = H5Tget_class(type.get());
    if ((cls != H5T_ENUM && cls != H5T_INTEGER) || H5Tget_size(type.get()) != 1 ||
        H5Sget_simple_extent_type(space.get()) != H5S_SCALAR)
        fail(SER_EFORMAT, bad + "is not a scalar bool");
    unsigned char value = 2;
    if (H5Aread(attr.get(), type.get(), &value) < 0) hdf5_fail(SER_EFORMAT, bad + "cannot be read");
    if (value > 1) fail(SER_EFORMAT, bad + "holds " + std::to_string(value) + ", not True or False");
    return value == 1;
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

void write_strings(hid_t dataset, hid_t type, const Utf8Strings &strings, const std::string &at) {
    const htri_t vlen = H5Tis_variable_str(type);
    if (vlen < 0) hdf5_fail(SER_EINTERNAL, at + "cannot read the string type");
    if (!vlen) {
        const size_t size = H5Tget_size(type);
        std::vector<char> bytes(strings.strings.size() * size, '\0');
        for (size_t k = 0; k < strings.strings.size(); ++k)
            std::memcpy(bytes.data() + k * size, strings.strings[k].data(), std::min(size, strings.strings[k].size()));
        check_h5(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), SER_EIO, at + "cannot write the strings");
        return;
    }
    std::vector<const char *> ptrs;
    ptrs.reserve(strings.strings.size());
    for (const std::string &s : strings.strings) ptrs.push_back(s.c_str());
    check_h5(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), SER_EIO, at + "cannot write the strings");
}

}  // namespace chainerser::core
