// What keeps the ranks of one collective call in step: they agree that they are making the same
// call with the same arguments (a hash of both, compared across ranks), and on its outcome (any
// rank's failure becomes every rank's error, naming that rank). Neither can hang: each is one
// fixed sequence of collectives that every rank runs whatever happened locally.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "mpi/comm.h"

namespace chainerser::core {

// The arguments of one collective call, folded into a 64-bit hash (FNV-1a).
class CallSignature {
public:
    explicit CallSignature(std::string_view call) : description_(call) { add(call); }
    CallSignature &add(std::string_view text);
    CallSignature &add(int64_t value);
    uint64_t hash() const { return hash_; }
    const std::string &call() const { return description_; }

private:
    void mix(const void *data, size_t size);
    uint64_t hash_ = 1469598103934665603ull;
    std::string description_;
};

// A rank's own outcome of a step: SER_OK, or the code and message of what it threw.
using LocalStatus = Status;
inline LocalStatus attempt(const std::function<void()> &body) { return capture(body); }

// The first collective of every collective call. Every rank passes its signature and whether its
// own arguments were valid (`local`): if a rank's were not, every rank throws that rank's error;
// if the signatures differ, SER_EINVAL on every rank, naming the ranks whose call or arguments
// differ from rank 0's.
void agree_call(const Comm &comm, const CallSignature &signature, const LocalStatus &local = {});

// Every rank passes its own status (0, or a code and message); if any rank failed, every rank
// throws the lowest failing rank's code with "rank r: message".
void agree_status(const Comm &comm, int code, const std::string &message);

// Runs `body`, catching what it throws, then agree_status: the way every local step of a
// collective call ends.
void collectively(const Comm &comm, const std::function<void()> &body);

}  // namespace chainerser::core
