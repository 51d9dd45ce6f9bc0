/* Compiled as strict C99 with -Werror: chainerser/mpi.h stays clean C. */
#include <chainerser/mpi.h>

int header_check_mpi_c99(void) {
    int (*open)(ser_handle **, MPI_Comm, const char *, int32_t, const ser_options *) = ser_npz_open_mpi;
    return open ? SER_OK : SER_EINTERNAL;
}
