#include "core/status.h"

#include <new>

#include "core/error.h"

namespace chainerser::core {

Status capture(const std::function<void()> &body) noexcept {
    Status s;
    try {
        body();
    } catch (const Error &e) {
        s.code = e.code(), s.message = e.what();
    } catch (const std::bad_alloc &) {
        s.code = SER_ENOMEM, s.message = "out of memory";
    } catch (const std::exception &e) {
        s.code = SER_EINTERNAL, s.message = std::string("internal error: ") + e.what();
    } catch (...) {
        s.code = SER_EINTERNAL, s.message = "internal error: unknown exception";
    }
    return s;
}

}  // namespace chainerser::core
