// ser_npz_open_mpi_f / ser_h5_open_mpi_f: the collective opens for Fortran, whose communicators
// are integer handles (mpi_f08's type(MPI_Comm) holds one in MPI_VAL; `use mpi` passes it as is).
#include "chainerser/mpi.h"

extern "C" {

int ser_npz_open_mpi_f(ser_handle **out, MPI_Fint comm, const char *path, int32_t mode,
                       const ser_options *opts) noexcept {
    return ser_npz_open_mpi(out, MPI_Comm_f2c(comm), path, mode, opts);
}

int ser_h5_open_mpi_f(ser_handle **out, MPI_Fint comm, const char *path, int32_t mode,
                      const ser_options *opts) noexcept {
    return ser_h5_open_mpi(out, MPI_Comm_f2c(comm), path, mode, opts);
}

}  // extern "C"
