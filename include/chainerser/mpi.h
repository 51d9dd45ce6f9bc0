/**
 * @file mpi.h
 * @brief The MPI flavour of libchainerser (libchainerser_mpi.so): one checkpoint written and read
 *        by many MPI ranks.
 *
 * @defgroup capi_mpi MPI C API
 * @{
 *
 * Link with `libchainerser_mpi` (pkg-config `chainerser-mpi`, CMake `chainerser::mpi`), which
 * exports every function of chainerser.h besides these. A handle opened here (and its children)
 * follows these rules (docs/mpi.md):
 * - opening, ser_close() and ser_discard() of the root are collective; ser_close() commits the
 *   file atomically once every rank's data is durable, and if any rank failed at any point, every
 *   rank gets an error whose message names the failing rank, and the old file is left intact;
 * - ordinary ser_put_* calls are rank-local: the calling rank contributes that entry; a key put
 *   by two ranks is an error on every rank at close;
 * - ser_put_array_slab(), ser_put_array_slab_ex(), ser_get_arrays_bcast() and
 *   ser_get_arrays_bcast_ex() are collective; arguments that do not match across ranks are an
 *   error on every rank, never a hang;
 * - reads are independent: any rank reads any entry, or any block with ser_get_array_slab().
 */
#ifndef CHAINERSER_MPI_H
#define CHAINERSER_MPI_H

#include <mpi.h>

#include "chainerser.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Opens an NPZ checkpoint on every rank of @p comm (collective). Same arguments as
 *        ser_npz_open() otherwise; every rank passes the same @p path, @p mode and options.
 */
SER_API int ser_npz_open_mpi(ser_handle **out, MPI_Comm comm, const char *path, int32_t mode,
                             const ser_options *opts) SER_NOEXCEPT;

/** @brief Opens an HDF5 checkpoint on every rank of @p comm (collective); see ser_npz_open_mpi(). */
SER_API int ser_h5_open_mpi(ser_handle **out, MPI_Comm comm, const char *path, int32_t mode,
                            const ser_options *opts) SER_NOEXCEPT;

/**
 * @brief ser_npz_open_mpi() for Fortran: @p comm is a Fortran communicator handle (`use mpi`'s
 *        integer, mpi_f08's `comm%MPI_VAL`), converted with MPI_Comm_f2c().
 */
SER_API int ser_npz_open_mpi_f(ser_handle **out, MPI_Fint comm, const char *path, int32_t mode,
                               const ser_options *opts) SER_NOEXCEPT;

/** @brief ser_h5_open_mpi() for Fortran; see ser_npz_open_mpi_f(). */
SER_API int ser_h5_open_mpi_f(ser_handle **out, MPI_Fint comm, const char *path, int32_t mode,
                              const ser_options *opts) SER_NOEXCEPT;

/**
 * @brief Writes one array of @p global_shape from a block on every rank (collective).
 *
 * Every rank passes the same @p key, @p dtype, @p ndim and @p global_shape, and its own block:
 * @p offset and @p count per axis, with @p data holding the block in C order and native byte
 * order (@p nbytes bytes, count * itemsize). The blocks must tile the array exactly (a block
 * may be empty); a gap or an overlap is ::SER_EINVAL on every rank. The entry is an ordinary
 * member or dataset, as ser_put_array() of the whole array would write it.
 */
SER_API int ser_put_array_slab(ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                               const int64_t *global_shape, const int64_t *offset, const int64_t *count,
                               const void *data, size_t nbytes) SER_NOEXCEPT;

/**
 * @brief ser_put_array_slab() with each rank's block in memory order @p order (collective).
 *
 * With ::SER_ORDER_F, @p data is the block's column-major layout (a Fortran array of extents
 * @p count); ::SER_ORDER_C is exactly ser_put_array_slab(). Every rank passes the same order (it
 * is agreed with the other arguments). The entry is what ser_put_array_ex() of the whole array
 * in that order writes: in NPZ a Fortran-ordered member (`fortran_order: True`, shape
 * @p global_shape), written without a transposition; in HDF5 the dataset of shape
 * @p global_shape, each block transposed into C order by the library.
 */
SER_API int ser_put_array_slab_ex(ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                                  const int64_t *global_shape, const int64_t *offset, const int64_t *count,
                                  int32_t order, const void *data, size_t nbytes) SER_NOEXCEPT;

/**
 * @brief Reads @p count entries on rank @p root and broadcasts them to every rank (collective).
 *
 * Every rank passes the same keys, dtypes and shapes and its own buffers; statuses and outcomes
 * are those of ser_get_arrays() on @p root, the same on every rank.
 */
SER_API int ser_get_arrays_bcast(ser_handle *h, int root, ser_get_request *requests, size_t count) SER_NOEXCEPT;

/**
 * @brief ser_get_arrays_bcast() filling every buffer in memory order @p order (collective):
 *        @p root reads with ser_get_arrays_ex() rules. Every rank passes the same order.
 */
SER_API int ser_get_arrays_bcast_ex(ser_handle *h, int root, ser_get_request *requests, size_t count,
                                    int32_t order) SER_NOEXCEPT;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* CHAINERSER_MPI_H */
