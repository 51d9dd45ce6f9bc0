/* Every rank writes its row block of one ROWS x COLS float64 array into an NPZ ($1) and an HDF5
 * ($2) checkpoint with ser_put_array_slab, then every rank reads the whole array back through
 * ser_get_arrays_bcast from rank 0 and compares it. check.py verifies the files' values. */
#include <chainerser/mpi.h>
#include <mpi.h>
#include <stdio.h>

#define ROWS 7 /* not a multiple of the rank count: blocks of different heights */
#define COLS 5

typedef int (*opener)(ser_handle **, MPI_Comm, const char *, int32_t, const ser_options *);

static double value(int64_t i, int64_t j) { return 10.0 * (double)i + (double)j + 0.5; }

static int round_trip(opener open, const char *path, int rank, int size) {
    const int64_t shape[2] = {ROWS, COLS};
    const int64_t offset[2] = {(int64_t)ROWS * rank / size, 0};
    const int64_t count[2] = {(int64_t)ROWS * (rank + 1) / size - offset[0], COLS};
    double block[ROWS * COLS], back[ROWS * COLS] = {0};
    for (int64_t i = 0; i < count[0]; ++i)
        for (int64_t j = 0; j < COLS; ++j) block[i * COLS + j] = value(offset[0] + i, j);

    ser_handle *h = NULL;
    if (open(&h, MPI_COMM_WORLD, path, SER_WRITE, NULL) != SER_OK) return 1;
    int failed = ser_put_array_slab(h, "field/T", SER_FLOAT64, 2, shape, offset, count, block,
                                    sizeof(double) * (size_t)(count[0] * COLS)) != SER_OK;
    if (ser_close(h) != SER_OK || failed) return 1;

    ser_get_request read = {"field/T", SER_FLOAT64, 2, shape, back, sizeof back, 0, 0};
    if (open(&h, MPI_COMM_WORLD, path, SER_READ, NULL) != SER_OK) return 1;
    failed = ser_get_arrays_bcast(h, 0, &read, 1) != SER_OK || read.status != SER_OK;
    ser_close(h);
    for (int64_t k = 0; !failed && k < ROWS * COLS; ++k) failed = back[k] != value(k / COLS, k % COLS);
    if (failed) fprintf(stderr, "rank %d: %s: read back other values\n", rank, path);
    return failed;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size, failed = argc != 3, any = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (!failed && round_trip(ser_npz_open_mpi, argv[1], rank, size)) failed = 1;
    if (!failed && round_trip(ser_h5_open_mpi, argv[2], rank, size)) failed = 1;
    if (failed) fprintf(stderr, "rank %d: %s\n", rank, ser_errmsg());
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any;
}
