// The communicator a handle from ser_*_open_mpi works on: a duplicate of the caller's, so that
// the library's collectives never match the caller's own messages, freed with the last handle.
#pragma once

#include <mpi.h>

#include <string>

namespace chainerser::core {

class Comm {
public:
    // Duplicates `comm` (collective). SER_EINVAL if MPI is not initialised or comm is null.
    explicit Comm(MPI_Comm comm);
    ~Comm();
    Comm(const Comm &) = delete;
    Comm &operator=(const Comm &) = delete;

    MPI_Comm get() const { return comm_; }
    int rank() const { return rank_; }
    int size() const { return size_; }

private:
    MPI_Comm comm_ = MPI_COMM_NULL;
    int rank_ = 0, size_ = 1;
};

// Throws SER_EIO (SER_EINTERNAL for communication) naming `what` and MPI's text when rc is not
// MPI_SUCCESS.
void check_mpi(int rc, const std::string &what, int code);

}  // namespace chainerser::core
