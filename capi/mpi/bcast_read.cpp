// ser_get_arrays_bcast(_ex): `root` reads the batch with ser_get_arrays_ex's rules, then statuses,
// outcomes, sizes and data are broadcast, so that N ranks load a model with one rank's reads.
#include "chainerser/mpi.h"

#include <algorithm>
#include <climits>
#include <vector>

#include "capi/handle.h"
#include "mpi/agreement.h"

using namespace chainerser::core;

namespace {

void bcast_bytes(const Comm &comm, int root, void *data, uint64_t size) {
    constexpr uint64_t kStep = uint64_t(1) << 30;  // MPI counts are int
    auto *p = static_cast<char *>(data);
    for (uint64_t at = 0; at < size; at += kStep)
        check_mpi(MPI_Bcast(p + at, int(std::min(kStep, size - at)), MPI_BYTE, root, comm.get()), "MPI_Bcast", SER_EINTERNAL);
}

uint64_t filled_bytes(AbstractDeserializer &r, const ser_get_request &q) {
    const DTypeInfo &want = dtype_info(q.dtype);
    uint64_t n = 1;
    for (int32_t k = 0; k < q.ndim; ++k) n *= uint64_t(q.shape[k]);
    if (want.itemsize) return n * want.itemsize;
    return n * r.info(q.key).type.itemsize;  // str and bytes keep the file's width
}

}  // namespace

extern "C" {

int ser_get_arrays_bcast(ser_handle *h, int root, ser_get_request *requests, size_t count) noexcept {
    return ser_get_arrays_bcast_ex(h, root, requests, count, SER_ORDER_C);
}

int ser_get_arrays_bcast_ex(ser_handle *h, int root, ser_get_request *requests, size_t count, int32_t order) noexcept {
    return guarded([&] {
        require(h != nullptr, "handle is NULL");
        if (!h->comm || !h->reader)
            fail(SER_EINVAL, "ser_get_arrays_bcast needs a handle from ser_npz_open_mpi or ser_h5_open_mpi for reading");
        const Comm &comm = *h->comm;
        AbstractDeserializer &r = *h->reader;
        const LocalStatus args = attempt([&] {
            require(root >= 0 && root < comm.size(), "root is not a rank of the communicator");
            require(count == 0 || requests != nullptr, "requests is NULL");
            require(order == SER_ORDER_C || order == SER_ORDER_F, "order must be SER_ORDER_C or SER_ORDER_F");
            for (size_t i = 0; i < count; ++i) {
                require(requests[i].key != nullptr, "request key is NULL");
                require(requests[i].ndim >= 0 && requests[i].ndim <= SER_MAX_NDIM, "request ndim must be in 0-32");
                require(requests[i].ndim == 0 || requests[i].shape != nullptr, "request shape is NULL");
            }
        });
        CallSignature signature("ser_get_arrays_bcast");
        signature.add(root).add(int64_t(count)).add(order);
        if (args.code == SER_OK)
            for (size_t i = 0; i < count; ++i) {
                const ser_get_request &q = requests[i];
                signature.add(r.full_key(q.key)).add(q.dtype).add(q.ndim);
                for (int32_t k = 0; k < q.ndim; ++k) signature.add(q.shape[k]);
            }
        agree_call(comm, signature, args);

        // On root: every request read; then [status, outcome] and the bytes filled, per request.
        std::vector<int64_t> results(3 * count, 0);
        std::vector<std::string> messages(count);
        if (comm.rank() == root) {
            ser_get_arrays_ex(h, requests, count, order);  // each request gets its own status
            for (size_t i = 0; i < count; ++i) {
                ser_get_request &q = requests[i];
                if (q.status != SER_OK) {
                    if (messages[i].empty()) messages[i] = ser_errmsg();
                    continue;
                }
                results[3 * i] = q.status, results[3 * i + 1] = q.outcome;
                if (q.outcome == SER_LOADED) results[3 * i + 2] = int64_t(filled_bytes(r, q));
            }
            for (size_t i = 0; i < count; ++i) results[3 * i] = requests[i].status;
        }
        check_mpi(MPI_Bcast(results.data(), int(results.size()), MPI_INT64_T, root, comm.get()), "MPI_Bcast", SER_EINTERNAL);
        collectively(comm, [&] {
            for (size_t i = 0; i < count; ++i)
                if (results[3 * i] == SER_OK && uint64_t(results[3 * i + 2]) > requests[i].bufsize)
                    fail(SER_EBUFSIZE, r.full_key(requests[i].key) + ": buffer of " + std::to_string(requests[i].bufsize) +
                                           " bytes, " + std::to_string(results[3 * i + 2]) + " needed");
        });
        for (size_t i = 0; i < count; ++i) {
            ser_get_request &q = requests[i];
            q.status = int32_t(results[3 * i]);
            q.outcome = int32_t(results[3 * i + 1]);
            if (q.status == SER_OK && q.outcome == SER_LOADED) bcast_bytes(comm, root, q.buf, uint64_t(results[3 * i + 2]));
        }
        // The first failed request's message, from root.
        size_t first = count;
        for (size_t i = 0; i < count && first == count; ++i)
            if (requests[i].status != SER_OK) first = i;
        if (first == count) return;
        std::string text = comm.rank() == root ? messages[first] : "";
        uint64_t len = text.size();
        check_mpi(MPI_Bcast(&len, 1, MPI_UINT64_T, root, comm.get()), "MPI_Bcast", SER_EINTERNAL);
        text.resize(size_t(len));
        bcast_bytes(comm, root, text.data(), len);
        fail(requests[first].status, text);
    });
}

}  // extern "C"
