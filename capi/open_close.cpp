// Opening files through the backend table (options checked against core/options), child handles, closing.
#include <cstddef>
#include <cstring>
#include <memory>

#include "capi/handle.h"
#include "core/backends.h"
#include "core/options.h"

using namespace chainerser::core;

namespace {

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
        if (mode == SER_WRITE)
            h->writer = b->create(path, make_write_options(o));
        else
            h->reader = b->open(path, o.path ? o.path : "", make_load_options(o));
        *out = h.release();
    });
}

}  // namespace

extern "C" {

int ser_options_init(ser_options *opts, uint32_t version) noexcept {
    return guarded([&] {
        require(opts != nullptr, "opts is NULL");
        const ser_options defaults = default_options(version);
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
        c->comm = h->comm;
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
    if (!h) return chainerser::core::guarded([] {});
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
