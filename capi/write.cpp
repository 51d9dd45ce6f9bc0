// The put calls: every argument checked, then one AbstractSerializer::save.
#include <cstring>

#include "capi/handle.h"
#include "core/text.h"

using namespace chainerser::core;

namespace {

// Every put's status passes through here, so that a writer shared by MPI ranks hears of failures.
int noted(ser_handle *h, int rc) {
    if (rc != SER_OK && h && h->writer) h->writer->note_failure(rc, ser_errmsg());
    return rc;
}

int put(ser_handle *h, const char *key, const ArrayMeta &meta, const void *data, size_t nbytes) {
    return guarded([&] {
        AbstractSerializer &w = writer_of(h);
        require(key != nullptr, "key is NULL");
        w.save(key, ConstArrayView{meta, data, nbytes});
    });
}

template <class T>
int put_scalar(ser_handle *h, const char *key, ser_dtype dtype, T value) {
    ArrayMeta m;
    m.type = native_type(dtype);
    return noted(h, put(h, key, m, &value, sizeof value));
}

}  // namespace

extern "C" {

int ser_put_array(ser_handle *h, const char *key, int32_t dtype, int32_t ndim, const int64_t *shape, const void *data,
                  size_t nbytes) noexcept {
    ArrayMeta m;
    int rc = guarded([&] {
        const DTypeInfo &d = dtype_info(dtype);
        if (d.itemsize == 0)
            fail(SER_EINVAL, std::string(d.name) + " has no fixed item size: use ser_put_array_ex (or ser_put_none)");
        require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
        require(ndim == 0 || shape != nullptr, "shape is NULL");
        m.type = native_type(d.id);
        m.shape.assign(shape, shape + ndim);
    });
    return noted(h, rc != SER_OK ? rc : put(h, key, m, data, nbytes));
}

int ser_put_array_ex(ser_handle *h, const char *key, const ser_array_info *info, const void *data,
                     size_t nbytes) noexcept {
    ArrayMeta m;
    int rc = guarded([&] {
        require(info != nullptr, "info is NULL");
        m = meta_from_info(*info);
        const DTypeInfo &d = dtype_info(m.type.dtype);
        if ((d.kind == Kind::Unicode || d.kind == Kind::Bytes) && m.type.itemsize == 0)
            fail(SER_EINVAL, "info.itemsize must be > 0 for str and bytes");
    });
    return noted(h, rc != SER_OK ? rc : put(h, key, m, data, nbytes));
}

int ser_put_none(ser_handle *h, const char *key) noexcept { return noted(h, put(h, key, none_meta(), nullptr, 0)); }

int ser_put_int64(ser_handle *h, const char *key, int64_t value) noexcept {
    return put_scalar(h, key, SER_INT64, value);
}

int ser_put_float64(ser_handle *h, const char *key, double value) noexcept {
    return put_scalar(h, key, SER_FLOAT64, value);
}

int ser_put_bool(ser_handle *h, const char *key, int value) noexcept {
    return put_scalar(h, key, SER_BOOL, static_cast<unsigned char>(value != 0));
}

int ser_put_string(ser_handle *h, const char *key, const char *utf8) noexcept {
    std::u32string text;
    ArrayMeta m;
    int rc = guarded([&] {
        require(utf8 != nullptr, "string is NULL");
        if (!utf8_to_utf32(utf8, text)) fail(SER_EINVAL, std::string("key '") + (key ? key : "") + "': string is not valid UTF-8");
        if (text.empty()) text.push_back(U'\0');  // numpy.asarray('') is '<U1' holding one NUL
        m.type = native_type(SER_UNICODE, text.size() * 4);
    });
    return noted(h, rc != SER_OK ? rc : put(h, key, m, text.data(), text.size() * 4));
}

int ser_put_bytes(ser_handle *h, const char *key, const void *data, size_t size) noexcept {
    ArrayMeta m;
    static const unsigned char nul = 0;
    if (size == 0) data = &nul, size = 1;  // numpy.asarray(b'') is '|S1'
    m.type = native_type(SER_BYTES, size);
    return noted(h, put(h, key, m, data, size));
}

}  // extern "C"
