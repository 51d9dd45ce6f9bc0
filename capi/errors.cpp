// ser_errmsg / ser_strerror and the thread-local message behind them.
#include <cstring>

#include "capi/handle.h"

namespace chainerser::core {
namespace {
thread_local std::string t_message;
}

int set_error(int code, const std::string &message) noexcept {
    try {
        t_message = message;
    } catch (...) {
        t_message.clear();  // out of memory while reporting: keep the code, lose the text
    }
    return code;
}

void clear_error() noexcept { t_message.clear(); }

void require(bool ok, const char *what) {
    if (!ok) fail(SER_EINVAL, what);
}

AbstractSerializer &writer_of(ser_handle *h) {
    require(h != nullptr, "handle is NULL");
    if (!h->writer) fail(SER_EINVAL, "handle is open for reading, not writing");
    return *h->writer;
}

AbstractDeserializer &reader_of(ser_handle *h) {
    require(h != nullptr, "handle is NULL");
    if (!h->reader) fail(SER_EINVAL, "handle is open for writing, not reading");
    return *h->reader;
}

}  // namespace chainerser::core

extern "C" {

const char *ser_errmsg(void) noexcept { return chainerser::core::t_message.c_str(); }

const char *ser_strerror(int code) noexcept {
    switch (code) {
        case SER_OK: return "success";
        case SER_ENOTFOUND: return "not found";
        case SER_EEXISTS: return "already exists";
        case SER_EINVAL: return "invalid argument";
        case SER_EMISMATCH: return "dtype or shape mismatch";
        case SER_EBUFSIZE: return "buffer too small";
        case SER_EFORMAT: return "corrupt or malformed file";
        case SER_EIO: return "I/O error";
        case SER_ENOMEM: return "out of memory";
        case SER_EUNSUPPORTED: return "unsupported";
        case SER_EINTERNAL: return "internal error";
        case SER_ELIMIT: return "safety limit exceeded";
        default: return code < 0 ? "unknown error" : "unknown status";
    }
}

}  // extern "C"
