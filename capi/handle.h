// What a ser_handle is, and the guard every exported function runs its body in.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chainerser/chainerser.h"
#include "core/deserializer.h"
#include "core/error.h"
#include "core/serializer.h"

namespace chainerser::core {
class Comm;  // src/mpi (the MPI flavour only)
}

struct ser_handle {
    std::unique_ptr<chainerser::core::AbstractSerializer> writer;  // exactly one of writer / reader
    std::unique_ptr<chainerser::core::AbstractDeserializer> reader;
    bool root = false;
    std::vector<std::string_view> keys;  // ser_key_at's list (views into the reader's keys), filled on first use
    bool keys_listed = false;
    std::shared_ptr<chainerser::core::Comm> comm;  // handles from ser_*_open_mpi and their children
};

namespace chainerser::core {

// Sets this thread's message and returns code.
int set_error(int code, const std::string &message) noexcept;
void clear_error() noexcept;

// Runs body, turning every exception into a status code and message. Never throws.
template <class Body>
int guarded(Body &&body) noexcept {
    clear_error();
    try {
        body();
        return SER_OK;
    } catch (const std::bad_alloc &) {
        return set_error(SER_ENOMEM, "out of memory");
    } catch (const Error &e) {
        return set_error(e.code(), e.what());
    } catch (const std::exception &e) {
        return set_error(SER_EINTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return set_error(SER_EINTERNAL, "internal error: unknown exception");
    }
}

// Argument checks shared by the entry points; each throws SER_EINVAL naming the argument.
void require(bool ok, const char *what);
AbstractSerializer &writer_of(ser_handle *h);
AbstractDeserializer &reader_of(ser_handle *h);

// A ::ser_order argument: true for SER_ORDER_F; SER_EINVAL for any other value than the two.
bool is_fortran_order(int32_t order);

// The block read of ser_get_array_slab(_ex) and ser_h5_get_array, arguments checked.
ser_outcome load_slab(AbstractDeserializer &r, const char *key, int32_t dtype, int32_t ndim, const int64_t *offset,
                      const int64_t *count, int32_t order, void *buf, size_t bufsize);

}  // namespace chainerser::core
