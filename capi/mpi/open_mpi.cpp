// ser_npz_open_mpi / ser_h5_open_mpi: collective opens. A write opens the MPI writer of the format;
// a read opens the ordinary reader on every rank (reads are independent).
#include "chainerser/mpi.h"

#include <memory>

#include "capi/handle.h"
#include "core/backends.h"
#include "core/options.h"
#include "mpi/agreement.h"
#include "mpi/mpi_h5_serializer.h"
#include "mpi/mpi_npz_serializer.h"

using namespace chainerser::core;

namespace {

using CreateMpi = std::unique_ptr<MpiSerializer> (*)(std::shared_ptr<Comm>, const std::string &, const WriteOptions &);

int open_mpi(const char *backend_name, CreateMpi create, ser_handle **out, MPI_Comm comm, const char *path,
             int32_t mode, const ser_options *opts) {
    if (out) *out = nullptr;
    return guarded([&] {
        auto shared = std::make_shared<Comm>(comm);
        ser_options o{};
        const LocalStatus args = attempt([&] {
            require(out != nullptr, "out is NULL");
            require(path != nullptr, "path is NULL");
            require(mode == SER_READ || mode == SER_WRITE, "mode must be SER_READ or SER_WRITE");
            o = checked_options(opts);
        });
        CallSignature signature(std::string("open of an ") + backend_name + " file");
        signature.add(path ? path : "").add(mode).add(o.compress).add(o.compression_level).add(o.align_data);
        agree_call(*shared, signature, args);
        auto h = std::make_unique<ser_handle>();
        h->root = true;
        h->comm = shared;
        if (mode == SER_WRITE) {
            h->writer = create(shared, path, make_write_options(o));
        } else {
            const Backend *b = find_backend(backend_name);
            collectively(*shared, [&] {
                if (!b) fail(SER_EINTERNAL, std::string("no backend named ") + backend_name);
                h->reader = b->open(path, o.path ? o.path : "", make_load_options(o));
            });
        }
        *out = h.release();
    });
}

}  // namespace

extern "C" {

int ser_npz_open_mpi(ser_handle **out, MPI_Comm comm, const char *path, int32_t mode, const ser_options *opts) noexcept {
    return open_mpi("npz", create_mpi_npz_writer, out, comm, path, mode, opts);
}

int ser_h5_open_mpi(ser_handle **out, MPI_Comm comm, const char *path, int32_t mode, const ser_options *opts) noexcept {
    return open_mpi("hdf5", create_mpi_h5_writer, out, comm, path, mode, opts);
}

}  // extern "C"
