#include "mpi/comm.h"

#include "core/error.h"

namespace chainerser::core {

Comm::Comm(MPI_Comm comm) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized) fail(SER_EINVAL, "MPI is not initialised (call MPI_Init first)");
    if (comm == MPI_COMM_NULL) fail(SER_EINVAL, "comm is MPI_COMM_NULL");
    check_mpi(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup", SER_EINVAL);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
}

Comm::~Comm() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
}

void check_mpi(int rc, const std::string &what, int code) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    fail(code, what + " failed: " + std::string(text, size_t(len)));
}

}  // namespace chainerser::core
