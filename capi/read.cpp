// The get calls: info, listing, array reads and Chainer's scalar rules.
#include <algorithm>
#include <cstring>
#include <future>
#include <limits>
#include <numeric>

#include "capi/handle.h"
#include "core/convert.h"
#include "core/thread_pool.h"
#include "core/text.h"

using namespace chainerser;

namespace {

void set_outcome(int32_t *out, ser_outcome o) {
    if (out) *out = o;
}

// Reads a one-element entry in its own dtype into `value` (native order), or reports why not.
ser_outcome load_scalar(ser_handle *h, const char *key, ArrayMeta &meta, unsigned char (&value)[16]) {
    AbstractDeserializer &r = reader_of(h);
    require(key != nullptr, "key is NULL");
    ser_outcome o = r.resolve(key, meta);
    if (o != SER_LOADED) return o;
    const DTypeInfo &d = dtype_info(meta.type.dtype);
    if (meta.count() != 1 || d.itemsize == 0 || d.itemsize > sizeof value)
        fail(SER_EMISMATCH, where(r.file_name(), r.full_key(key)) + "holds dtype " + descr_of(meta.type) + " shape " +
                                meta.shape_repr() + ", not a numeric scalar");
    return r.load(key, TargetBuffer{d.id, meta.shape, value, sizeof value});
}

[[noreturn]] void scalar_mismatch(ser_handle *h, const char *key, const ArrayMeta &meta, const char *target) {
    AbstractDeserializer &r = *h->reader;
    fail(SER_EMISMATCH, where(r.file_name(), r.full_key(key)) + "cannot safely deserialize dtype " + descr_of(meta.type) +
                            " into " + target);
}

template <class T>
T read_as(const unsigned char *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The scalar getters: load one element in the file's dtype, then let `convert` apply Chainer's
// rule for the target type and store the result in *out.
template <class T, class Convert>
int get_scalar(T *out, int32_t *out_outcome, ser_handle *h, const char *key, Convert convert) {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        ArrayMeta meta;
        unsigned char v[16];
        ser_outcome o = load_scalar(h, key, meta, v);
        set_outcome(out_outcome, o);
        if (o == SER_LOADED) *out = convert(meta, v);
    });
}

}  // namespace

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
    return guarded([&] {
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
        require(ndim == 0 || shape != nullptr, "shape is NULL");
        TargetBuffer t{ser_dtype(dtype_info(dtype).id), std::vector<int64_t>(shape, shape + ndim), buf, bufsize};
        set_outcome(out_outcome, r.load(key, t));
    });
}

int ser_get_arrays(ser_handle *h, ser_get_request *requests, size_t count) noexcept {
    return guarded([&] {
        AbstractDeserializer &r = reader_of(h);
        require(count == 0 || requests != nullptr, "requests is NULL");
        std::vector<std::string> messages(count);
        auto run = [&](size_t i) {
            ser_get_request &q = requests[i];
            q.status = guarded([&] {
                require(q.key != nullptr, "request key is NULL");
                require(q.ndim >= 0 && q.ndim <= SER_MAX_NDIM, "request ndim must be in 0-32");
                require(q.ndim == 0 || q.shape != nullptr, "request shape is NULL");
                TargetBuffer t{ser_dtype(dtype_info(q.dtype).id), std::vector<int64_t>(q.shape, q.shape + q.ndim), q.buf,
                               q.bufsize};
                q.outcome = r.load(q.key, t);
            });
            if (q.status != SER_OK) messages[i] = ser_errmsg();
        };
        const unsigned threads = std::min<size_t>(resolve_threads(r.options().threads), count);
        if (threads <= 1) {
            for (size_t i = 0; i < count; ++i) run(i);
        } else {
            // Largest first, so that no big member is left to run alone at the end.
            std::vector<size_t> order(count);
            std::iota(order.begin(), order.end(), size_t(0));
            std::stable_sort(order.begin(), order.end(),
                             [requests](size_t a, size_t b) { return requests[a].bufsize > requests[b].bufsize; });
            ThreadPool pool(threads);
            std::vector<std::future<void>> done;
            done.reserve(count);
            for (size_t i : order) done.push_back(pool.submit([&run, i] { run(i); }));
            for (auto &f : done) f.get();
        }
        for (size_t i = 0; i < count; ++i)
            if (requests[i].status != SER_OK) fail(requests[i].status, messages[i]);
    });
}


int ser_get_int64(int64_t *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key, [&](const ArrayMeta &meta, const unsigned char *v) -> int64_t {
        switch (meta.type.dtype) {
            case SER_BOOL: return v[0] != 0;
            case SER_INT8: return read_as<int8_t>(v);
            case SER_INT16: return read_as<int16_t>(v);
            case SER_INT32: return read_as<int32_t>(v);
            case SER_INT64: return read_as<int64_t>(v);
            case SER_UINT8: return read_as<uint8_t>(v);
            case SER_UINT16: return read_as<uint16_t>(v);
            case SER_UINT32: return read_as<uint32_t>(v);
            case SER_UINT64: {
                uint64_t u = read_as<uint64_t>(v);
                if (u > uint64_t(std::numeric_limits<int64_t>::max())) scalar_mismatch(h, key, meta, "int64 (value too large)");
                return int64_t(u);
            }
            default: scalar_mismatch(h, key, meta, "an int");
        }
    });
}

int ser_get_float64(double *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key, [&](const ArrayMeta &meta, const unsigned char *v) {
        const Kind k = dtype_info(meta.type.dtype).kind;
        if (k != Kind::Bool && k != Kind::Int && k != Kind::UInt && k != Kind::Float) scalar_mismatch(h, key, meta, "a float");
        double d;
        cast_elements(v, meta.type.dtype, &d, SER_FLOAT64, 1);
        return d;
    });
}

int ser_get_bool(int *out, int32_t *out_outcome, ser_handle *h, const char *key) noexcept {
    return get_scalar(out, out_outcome, h, key, [&](const ArrayMeta &meta, const unsigned char *v) {
        if (meta.type.dtype != SER_BOOL) scalar_mismatch(h, key, meta, "a bool");
        return int(v[0] != 0);
    });
}

int ser_get_string(size_t *out_size, int32_t *out_outcome, ser_handle *h, const char *key, char *buf,
                   size_t bufsize) noexcept {
    return guarded([&] {
        require(out_size != nullptr, "out_size is NULL");
        AbstractDeserializer &r = reader_of(h);
        require(key != nullptr, "key is NULL");
        ArrayMeta meta;
        ser_outcome o = r.resolve(key, meta);
        set_outcome(out_outcome, o);
        if (o != SER_LOADED) return;
        const std::string at = where(r.file_name(), r.full_key(key));
        const Kind k = dtype_info(meta.type.dtype).kind;
        if ((k != Kind::Unicode && k != Kind::Bytes) || meta.count() != 1)
            fail(SER_EMISMATCH, at + "holds dtype " + descr_of(meta.type) + " shape " + meta.shape_repr() + ", not a string");
        std::vector<unsigned char> raw(meta.nbytes());
        r.load(key, TargetBuffer{meta.type.dtype, meta.shape, raw.data(), raw.size()});
        std::string text;
        if (k == Kind::Unicode) {
            std::u32string cps(raw.size() / 4, U'\0');
            std::memcpy(&cps[0], raw.data(), raw.size());
            while (!cps.empty() && cps.back() == U'\0') cps.pop_back();
            if (!utf32_to_utf8(cps, text)) fail(SER_EFORMAT, at + "string holds an invalid code point");
        } else {
            text.assign(raw.begin(), raw.end());
            while (!text.empty() && text.back() == '\0') text.pop_back();
        }
        *out_size = text.size() + 1;
        if (!buf) return;
        if (bufsize < text.size() + 1)
            fail(SER_EBUFSIZE, at + "string needs " + std::to_string(text.size() + 1) + " bytes, buffer has " +
                                   std::to_string(bufsize));
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
