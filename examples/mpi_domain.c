/* A simulation's 2-D field, decomposed in blocks over the MPI ranks, saved as ONE member of one
 * checkpoint beside a model's weights, then read back on every rank: its own block, and the
 * model through one broadcast read.
 *
 *   mpirun -np 4 ./mpi_domain out.npz      (then: numpy.load("out.npz")["field/T"])
 */
#include <chainerser/mpi.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define NX 64
#define NY 48

static double temperature(int64_t i, int64_t j) { return 300.0 + 0.5 * (double)i - 0.25 * (double)j; }

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size, dims[2] = {0, 0}, failed = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *path = argc > 1 ? argv[1] : "mpi_domain.npz";
    MPI_Dims_create(size, 2, dims);

    /* This rank's block of the NX x NY grid. */
    const int px = rank / dims[1], py = rank % dims[1];
    const int64_t global[2] = {NX, NY};
    const int64_t offset[2] = {(int64_t)NX * px / dims[0], (int64_t)NY * py / dims[1]};
    const int64_t count[2] = {(int64_t)NX * (px + 1) / dims[0] - offset[0], (int64_t)NY * (py + 1) / dims[1] - offset[1]};
    double *block = malloc(sizeof(double) * (size_t)(count[0] * count[1] + 1));
    for (int64_t i = 0; i < count[0]; ++i)
        for (int64_t j = 0; j < count[1]; ++j) block[i * count[1] + j] = temperature(offset[0] + i, offset[1] + j);

    /* A model replicated on every rank: rank 0 writes it. */
    float W[3 * 4], b[3] = {0.5f, -0.5f, 1.0f};
    for (int k = 0; k < 12; ++k) W[k] = 0.25f * (float)k;
    const int64_t w_shape[2] = {3, 4}, b_shape[1] = {3};

    ser_handle *file = NULL, *model = NULL;
    if (ser_npz_open_mpi(&file, MPI_COMM_WORLD, path, SER_WRITE, NULL) != SER_OK) {
        fprintf(stderr, "rank %d: %s\n", rank, ser_errmsg());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0) {
        ser_child(&model, file, "model/l1");
        ser_put_array(model, "W", SER_FLOAT32, 2, w_shape, W, sizeof W);
        ser_put_array(model, "b", SER_FLOAT32, 1, b_shape, b, sizeof b);
        ser_close(model);
        ser_put_int64(file, "step", 1000);
    }
    if (ser_put_array_slab(file, "field/T", SER_FLOAT64, 2, global, offset, count, block,
                           sizeof(double) * (size_t)(count[0] * count[1])) != SER_OK)
        failed = 1, fprintf(stderr, "rank %d: %s\n", rank, ser_errmsg());
    if (ser_close(file) != SER_OK) /* collective: the file is complete on every rank's return */
        failed = 1, fprintf(stderr, "rank %d: %s\n", rank, ser_errmsg());

    /* Every rank reads its own block back, and the model through one read on rank 0. */
    ser_handle *in = NULL;
    double *back = malloc(sizeof(double) * (size_t)(count[0] * count[1] + 1));
    float W2[12] = {0}, b2[3] = {0};
    ser_get_request model_reads[2] = {{"model/l1/W", SER_FLOAT32, 2, w_shape, W2, sizeof W2, 0, 0},
                                      {"model/l1/b", SER_FLOAT32, 1, b_shape, b2, sizeof b2, 0, 0}};
    if (!failed && (ser_npz_open_mpi(&in, MPI_COMM_WORLD, path, SER_READ, NULL) != SER_OK ||
                    ser_get_array_slab(NULL, in, "field/T", SER_FLOAT64, 2, offset, count, back,
                                       sizeof(double) * (size_t)(count[0] * count[1])) != SER_OK ||
                    ser_get_arrays_bcast(in, 0, model_reads, 2) != SER_OK))
        failed = 1, fprintf(stderr, "rank %d: %s\n", rank, ser_errmsg());
    ser_close(in);
    for (int64_t k = 0; !failed && k < count[0] * count[1]; ++k) failed = back[k] != block[k];
    for (int k = 0; !failed && k < 12; ++k) failed = W2[k] != W[k];
    if (rank == 0 && !failed) printf("%s: field/T (%d, %d) on a %d x %d grid of ranks, model/l1\n", path, NX, NY, dims[0], dims[1]);
    free(block);
    free(back);
    int any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any;
}
