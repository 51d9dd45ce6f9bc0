// Opening files through the backend table, child handles, closing.
#include <cstddef>
#include <cstring>
#include <memory>

#include "capi/handle.h"
#include "core/backends.h"

using namespace chainerser;

namespace {

// Bytes of ser_options that a caller of each version has: older callers' structs are shorter.
size_t options_size(uint32_t version) {
    switch (version) {
        case 1: return offsetof(ser_options, max_entry_bytes) + sizeof(uint64_t);
        case 2: return sizeof(ser_options);
        default: fail(SER_EINVAL, "ser_options.version " + std::to_string(version) + " is not supported (use ser_options_init)");
    }
}

ser_options checked_options(const ser_options *opts) {
    ser_options o = SER_OPTIONS_INIT;
    if (!opts) return o;
    std::memcpy(&o, opts, options_size(opts->version));
    require(o.compress == 0 || o.compress == 1, "ser_options.compress must be 0 or 1");
    require(o.compression_level >= -1 && o.compression_level <= 9, "ser_options.compression_level must be -1 or 0-9");
    require(o.threads >= 0, "ser_options.threads must be >= 0");
    require(o.strict == 0 || o.strict == 1, "ser_options.strict must be 0 or 1");
    require(o.align_data == 0 || o.align_data == 1, "ser_options.align_data must be 0 or 1");
    require(o.cast >= SER_CAST_NO && o.cast <= SER_CAST_SAME_KIND, "ser_options.cast is not a ser_cast value");
    require(o.ignore_count == 0 || o.ignore_names, "ser_options.ignore_names is NULL but ignore_count is not 0");
    for (size_t i = 0; i < o.ignore_count; ++i) require(o.ignore_names[i], "ser_options.ignore_names has a NULL entry");
    return o;
}

std::shared_ptr<const LoadOptions> load_options(const ser_options &o) {
    auto l = std::make_shared<LoadOptions>();
    l->strict = o.strict != 0;
    l->cast = ser_cast(o.cast);
    for (size_t i = 0; i < o.ignore_count; ++i) l->ignore_names.emplace_back(o.ignore_names[i]);
    if (o.ignore_fn) {
        ser_ignore_fn fn = o.ignore_fn;
        void *ctx = o.ignore_ctx;
        l->ignore_fn = [fn, ctx](const std::string &key) { return fn(key.c_str(), ctx) != 0; };
    }
    l->max_header_bytes = o.max_header_bytes;
    l->max_entry_bytes = o.max_entry_bytes;
    l->max_members = o.max_members;
    l->max_inflate_ratio = o.max_inflate_ratio;
    l->max_total_bytes = o.max_total_bytes;
    l->threads = o.threads;
    return l;
}

int open_with(const char *backend_name, ser_handle **out, const char *path, int32_t mode, const ser_options *opts) {
    if (out) *out = nullptr;
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        require(path != nullptr, "path is NULL");
        require(mode == SER_READ || mode == SER_WRITE, "mode must be SER_READ or SER_WRITE");
        ser_options o = checked_options(opts);
        const Backend *b = find_backend(backend_name);
        if (!b) fail(SER_EINTERNAL, std::string("no backend named ") + backend_name);
        auto h = std::make_unique<ser_handle>();
        h->root = true;
        if (mode == SER_WRITE) {
            WriteOptions w;
            w.compress = o.compress != 0;
            w.level = o.compression_level;
            w.threads = o.threads;
            w.align_data = o.align_data != 0;
            h->writer = b->create(path, w);
        } else {
            h->reader = b->open(path, o.path ? o.path : "", load_options(o));
        }
        *out = h.release();
    });
}

}  // namespace

extern "C" {

int ser_options_init(ser_options *opts, uint32_t version) noexcept {
    return guarded([&] {
        require(opts != nullptr, "opts is NULL");
        ser_options defaults = SER_OPTIONS_INIT;
        defaults.version = version;
        std::memcpy(opts, &defaults, options_size(version));
    });
}

int ser_npz_open(ser_handle **out, const char *path, int32_t mode, const ser_options *opts) noexcept {
    return open_with("npz", out, path, mode, opts);
}

int ser_h5_open(ser_handle **out, const char *path, int32_t mode, const ser_options *opts) noexcept {
    return open_with("hdf5", out, path, mode, opts);
}

int ser_child(ser_handle **out, ser_handle *h, const char *name) noexcept {
    if (out) *out = nullptr;
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        require(h != nullptr, "handle is NULL");
        require(name != nullptr, "name is NULL");
        auto c = std::make_unique<ser_handle>();
        if (h->writer) c->writer = h->writer->child(name);
        else c->reader = reader_of(h).child(name);
        *out = c.release();
    });
}

int ser_get_path(const char **out, const ser_handle *h) noexcept {
    return guarded([&] {
        require(out != nullptr, "out is NULL");
        require(h != nullptr, "handle is NULL");
        *out = h->writer ? h->writer->path().c_str() : h->reader->path().c_str();
    });
}

int ser_close(ser_handle *h) noexcept {
    if (!h) return chainerser::guarded([] {});
    std::unique_ptr<ser_handle> owned(h);
    return guarded([&] {
        if (owned->root && owned->writer) owned->writer->commit();
    });
}

void ser_discard(ser_handle *h) noexcept {
    std::unique_ptr<ser_handle> owned(h);
    clear_error();
    if (owned && owned->root && owned->writer) owned->writer->discard();
}

}  // extern "C"
