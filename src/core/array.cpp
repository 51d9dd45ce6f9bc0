#include "core/array.h"

#include "core/error.h"

namespace chainerser::core {

uint64_t ArrayMeta::count() const {
    if (is_none()) return 0;
    uint64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) fail(SER_EFORMAT, "negative extent in shape " + shape_repr());
        if (d != 0 && n > UINT64_MAX / uint64_t(d)) fail(SER_ELIMIT, "shape " + shape_repr() + " overflows");
        n *= uint64_t(d);
    }
    return n;
}

uint64_t ArrayMeta::nbytes() const {
    uint64_t n = count();
    if (type.itemsize && n > UINT64_MAX / type.itemsize)
        fail(SER_ELIMIT, "shape " + shape_repr() + " times item size overflows");
    return n * type.itemsize;
}

std::string ArrayMeta::shape_repr() const {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

ArrayMeta none_meta() {
    ArrayMeta m;
    m.type.dtype = SER_NONE;
    m.type.itemsize = 0;
    m.type.byteorder = SER_BYTEORDER_NA;
    return m;
}

bool numpy_fortran_order(const ArrayMeta &meta) {
    if (!meta.fortran_order || meta.is_none()) return false;
    size_t long_axes = 0;
    for (int64_t d : meta.shape) long_axes += d > 1;
    return long_axes > 1 && meta.count() != 0;
}

void check_shape(const std::vector<int64_t> &shape) {
    if (shape.size() > SER_MAX_NDIM)
        fail(SER_EINVAL, "ndim " + std::to_string(shape.size()) + " exceeds " + std::to_string(SER_MAX_NDIM));
    for (int64_t d : shape)
        if (d < 0) fail(SER_EINVAL, "negative extent " + std::to_string(d) + " in shape");
}

ArrayMeta meta_from_info(const ser_array_info &info) {
    const DTypeInfo &d = dtype_info(info.dtype);
    if (d.id == SER_NONE) return none_meta();
    if (info.ndim < 0 || info.ndim > SER_MAX_NDIM) fail(SER_EINVAL, "ndim " + std::to_string(info.ndim) + " out of range");
    ArrayMeta m;
    m.shape.assign(info.shape, info.shape + info.ndim);
    check_shape(m.shape);
    size_t width = d.itemsize ? d.itemsize : size_t(info.itemsize);
    if (d.kind == Kind::Unicode && width % 4) fail(SER_EINVAL, "str item size must be a multiple of 4");
    m.type = native_type(d.id, width);
    if (m.type.byteorder != SER_BYTEORDER_NA) {
        if (info.byteorder == SER_LITTLE || info.byteorder == SER_BIG)
            m.type.byteorder = ser_byteorder(info.byteorder);
        else if (info.byteorder != SER_BYTEORDER_NA)
            fail(SER_EINVAL, "invalid byte order " + std::to_string(info.byteorder));
    }
    m.fortran_order = info.fortran_order != 0;
    return m;
}

ser_array_info info_from_meta(const ArrayMeta &meta) {
    ser_array_info info{};
    info.dtype = meta.type.dtype;
    info.byteorder = meta.type.byteorder;
    info.fortran_order = meta.fortran_order ? 1 : 0;
    info.ndim = int32_t(meta.shape.size());
    for (size_t i = 0; i < meta.shape.size() && i < SER_MAX_NDIM; ++i) info.shape[i] = meta.shape[i];
    info.itemsize = meta.type.itemsize;
    info.count = meta.count();
    info.nbytes = meta.nbytes();
    return info;
}

}  // namespace chainerser::core
