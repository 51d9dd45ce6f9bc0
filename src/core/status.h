// An outcome kept as a value instead of an exception: for work whose failures are collected and
// reported later (one request of a batch, one MPI rank's step before the ranks agree).
#pragma once

#include <functional>
#include <string>

namespace chainerser::core {

struct Status {
    int code = 0;  // SER_OK
    std::string message;
};

// Runs body: SER_OK, or the code and message of what it threw (std::bad_alloc is SER_ENOMEM,
// other exceptions SER_EINTERNAL).
Status capture(const std::function<void()> &body) noexcept;

}  // namespace chainerser::core
