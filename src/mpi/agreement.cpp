#include "mpi/agreement.h"

#include <new>
#include <vector>

#include "core/error.h"

namespace chainerser::core {

void CallSignature::mix(const void *data, size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 1099511628211ull;
}

CallSignature &CallSignature::add(std::string_view text) {
    const uint64_t n = text.size();
    mix(&n, sizeof n);  // so that ("ab", "c") and ("a", "bc") differ
    mix(text.data(), text.size());
    return *this;
}

CallSignature &CallSignature::add(int64_t value) {
    mix(&value, sizeof value);
    return *this;
}

namespace {

// The lowest failing rank's message, broadcast from it; every rank then throws it.
[[noreturn]] void fail_as(const Comm &comm, int failed, int code, const std::string &message) {
    const bool prefixed = message.compare(0, 5, "rank ") == 0;
    std::string text = comm.rank() == failed ? (prefixed ? message : "rank " + std::to_string(failed) + ": " + message) : "";
    uint64_t len = text.size();
    check_mpi(MPI_Bcast(&len, 1, MPI_UINT64_T, failed, comm.get()), "MPI_Bcast", SER_EINTERNAL);
    text.resize(size_t(len));
    check_mpi(MPI_Bcast(text.data(), int(len), MPI_CHAR, failed, comm.get()), "MPI_Bcast", SER_EINTERNAL);
    fail(code, text);
}

}  // namespace

void agree_call(const Comm &comm, const CallSignature &signature, const LocalStatus &local) {
    const uint64_t mine[2] = {signature.hash(), uint64_t(int64_t(local.code))};
    std::vector<uint64_t> all(2 * size_t(comm.size()));
    check_mpi(MPI_Allgather(mine, 2, MPI_UINT64_T, all.data(), 2, MPI_UINT64_T, comm.get()), "MPI_Allgather",
              SER_EINTERNAL);
    for (int r = 0; r < comm.size(); ++r)
        if (all[2 * size_t(r) + 1] != 0) fail_as(comm, r, int(int64_t(all[2 * size_t(r) + 1])), local.message);
    std::string differ;
    for (size_t r = 1; r < size_t(comm.size()); ++r)
        if (all[2 * r] != all[0]) differ += (differ.empty() ? "" : ", ") + std::to_string(r);
    if (!differ.empty())
        fail(SER_EINVAL, "mismatched collective calls: rank " + std::to_string(comm.rank()) + " called " +
                             signature.call() + "; rank(s) " + differ +
                             " made another collective call or passed other arguments than rank 0");
}

void agree_status(const Comm &comm, int code, const std::string &message) {
    std::vector<int> codes(size_t(comm.size()));
    check_mpi(MPI_Allgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, comm.get()), "MPI_Allgather", SER_EINTERNAL);
    int failed = -1;
    for (size_t r = 0; r < codes.size() && failed < 0; ++r)
        if (codes[r] != SER_OK) failed = int(r);
    if (failed >= 0) fail_as(comm, failed, codes[size_t(failed)], message);
}

void collectively(const Comm &comm, const std::function<void()> &body) {
    const LocalStatus s = attempt(body);
    agree_status(comm, s.code, s.message);
}

}  // namespace chainerser::core
