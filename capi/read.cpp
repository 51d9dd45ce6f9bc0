// The get calls: info, listing, array, scalar and batched reads; the rules are the core's.
#include <cstring>

#include "capi/handle.h"

using namespace chainerser::core;

namespace {

void set_outcome(int32_t *out, ser_outcome o) {
    if (out) *out = o;
}

TargetBuffer target_of(int32_t dtype, int32_t ndim, const int64_t *shape, bool fortran, void *buf, size_t bufsize) {
    require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
    require(ndim == 0 || shape != nullptr, "shape is NULL");
    return TargetBuffer{ser_dtype(dtype_info(dtype).id), std::vector<int64_t>(shape, shape + ndim), buf, bufsize, fortran};
}

// The scalar getters: the core applies Chainer's rule for the target type.
template <class T, class Load>
int get_scalar(T *out, int32_t *out_outcome, ser_handle *h, const char *key, Load load) {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        set_outcome(out_outcome, load(r, key, *out));
    });
}

}  // namespace

bool chainerser::core::is_fortran_order(int32_t order) {
    if (order != SER_ORDER_C && order != SER_ORDER_F)
        fail(SER_EINVAL, "order must be SER_ORDER_C (0) or SER_ORDER_F (1), not " + std::to_string(order));
    return order == SER_ORDER_F;
}

ser_outcome chainerser::core::load_slab(AbstractDeserializer &r, const char *key, int32_t dtype, int32_t ndim,
                                        const int64_t *offset, const int64_t *count, int32_t order, void *buf,
                                        size_t bufsize) {
    const bool fortran = is_fortran_order(order);
    require(key != nullptr, "key is NULL");
    require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
    require(ndim == 0 || offset != nullptr, "offset is NULL");
    require(ndim == 0 || count != nullptr, "count is NULL");
    TargetBuffer t{ser_dtype(dtype_info(dtype).id), std::vector<int64_t>(count, count + ndim), buf, bufsize, fortran};
    return r.load_block(key, std::vector<int64_t>(offset, offset + ndim), t);
}

extern "C" {

int ser_has(int *out, ser_handle *h, const char *key) noexcept {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        *out = r.has(key) ? 1 : 0;
    });
}

int ser_get_info(ser_array_info *out, ser_handle *h, const char *key) noexcept {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        *out = info_from_meta(r.info(key));
    });
}

int ser_key_count(size_t *out, ser_handle *h) noexcept {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        AbstractDeserializer &r = reader_of(h);
        if (!h->keys_listed) h->keys = r.keys(), h->keys_listed = true;
        *out = h->keys.size();
    });
}

int ser_key_at(const char **out, ser_handle *h, size_t index) noexcept {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        AbstractDeserializer &r = reader_of(h);
        if (!h->keys_listed) h->keys = r.keys(), h->keys_listed = true;
        if (index >= h->keys.size())
            fail(SER_EINVAL, "key index " + std::to_string(index) + " out of range (" + std::to_string(h->keys.size()) + " keys)");
        *out = h->keys[index].data();
    });
}

int ser_get_array(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                  const int64_t *shape, void *buf, size_t bufsize) noexcept {
    return ser_get_array_ex(out_outcome, h, key, dtype, ndim, shape, SER_ORDER_C, buf, bufsize);
}

int ser_get_array_ex(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                     const int64_t *shape, int32_t order, void *buf, size_t bufsize) noexcept {
    return guarded([&] {
        const bool fortran = is_fortran_order(order);
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        set_outcome(out_outcome, r.load(key, target_of(dtype, ndim, shape, fortran, buf, bufsize)));
    });
}

int ser_get_array_slab(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                       const int64_t *offset, const int64_t *count, void *buf, size_t bufsize) noexcept {
    return ser_get_array_slab_ex(out_outcome, h, key, dtype, ndim, offset, count, SER_ORDER_C, buf, bufsize);
}

int ser_get_array_slab_ex(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                          const int64_t *offset, const int64_t *count, int32_t order, void *buf,
                          size_t bufsize) noexcept {
    return guarded([&] {
        set_outcome(out_outcome, load_slab(reader_of(h), key, dtype, ndim, offset, count, order, buf, bufsize));
    });
}

int ser_get_arrays(ser_handle *h, ser_get_request *requests, size_t count) noexcept {
    return ser_get_arrays_ex(h, requests, count, SER_ORDER_C);
}

int ser_get_arrays_ex(ser_handle *h, ser_get_request *requests, size_t count, int32_t order) noexcept {
    return guarded([&] {
        const bool fortran = is_fortran_order(order);
        AbstractDeserializer &r = reader_of(h);
        require(count == 0 || requests != nullptr, "requests is NULL");
        std::vector<AbstractDeserializer::Request> valid;
        std::vector<size_t> index;  // valid[k] is requests[index[k]]
        std::vector<std::string> messages(count);
        for (size_t i = 0; i < count; ++i) {
            ser_get_request &q = requests[i];
            q.status = guarded([&] {
                require(q.key != nullptr, "request key is NULL");
                AbstractDeserializer::Request request;
                request.key = q.key;
                request.target = target_of(q.dtype, q.ndim, q.shape, fortran, q.buf, q.bufsize);
                valid.push_back(std::move(request));
                index.push_back(i);
            });
            if (q.status != SER_OK) messages[i] = ser_errmsg();
        }
        r.load_many(valid);
        for (size_t k = 0; k < valid.size(); ++k) {
            ser_get_request &q = requests[index[k]];
            q.status = valid[k].status;
            q.outcome = valid[k].outcome;
            messages[index[k]] = std::move(valid[k].message);
        }
        for (size_t i = 0; i < count; ++i)
            if (requests[i].status != SER_OK) fail(requests[i].status, messages[i]);
    });
}

int ser_get_int64(int64_t *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key,
                      [](AbstractDeserializer &r, const char *k, int64_t &v) { return r.load_int64(k, v); });
}

int ser_get_float64(double *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key,
                      [](AbstractDeserializer &r, const char *k, double &v) { return r.load_float64(k, v); });
}

int ser_get_bool(int *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key, [](AbstractDeserializer &r, const char *k, int &v) {
        bool b = false;
        const ser_outcome o = r.load_bool(k, b);
        if (o == SER_LOADED) v = b;
        return o;
    });
}

int ser_get_string(size_t *out_size, int32_t *out_outcome, ser_handle *h, const char *key, char *buf,
                   size_t bufsize) noexcept {
    return guarded([&] {
        require(out_size != nullptr, "out_size is NULL");
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        std::string text;
        const ser_outcome o = r.load_string(key, text);
        set_outcome(out_outcome, o);
        if (o != SER_LOADED) return;
        *out_size = text.size() + 1;
        if (!buf) return;
        if (bufsize < text.size() + 1)
            fail(SER_EBUFSIZE, where(r.file_name(), r.full_key(key)) + "string needs " + std::to_string(text.size() + 1) +
                                   " bytes, buffer has " + std::to_string(bufsize));
        std::memcpy(buf, text.c_str(), text.size() + 1);
    });
}

int ser_copy_entry(ser_handle *dst, ser_handle *src, const char *key) noexcept {
    return guarded([&] {
        AbstractSerializer &w = writer_of(dst);
        AbstractDeserializer &r = reader_of(src);
        require(key != nullptr, "key is NULL");
        OwnedArray a = r.read_stored(key);
        w.save(key, a.view());
    });
}

int ser_copy_all(ser_handle *dst, ser_handle *src) noexcept {
    return guarded([&] {
        AbstractSerializer &w = writer_of(dst);
        AbstractDeserializer &r = reader_of(src);
        for (std::string_view key : r.keys()) {
            OwnedArray a = r.read_stored(key);
            w.save(key, a.view());
        }
    });
}

}  // extern "C"
