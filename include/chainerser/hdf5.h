/**
 * @file hdf5.h
 * @brief HDF5-specific additions to the libchainerser C API: hyperslab reads and the HDF5 lock.
 *
 * @defgroup capi_hdf5 HDF5 C API
 * @{
 *
 * Everything generic (put, get, list, info, child, copy) works on HDF5 handles through
 * chainerser.h. This header adds what only HDF5 can do, for handles opened with ser_h5_open().
 */
#ifndef CHAINERSER_HDF5_H
#define CHAINERSER_HDF5_H

#include "chainerser.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Reads one block (hyperslab) of the dataset @p key into the caller's buffer.
 *
 * The block starts at @p offset and has the extent @p count on each of the @p ndim axes;
 * @p ndim must equal the dataset's rank (0 reads a scalar). The buffer receives the block as an
 * array of @p dtype and shape @p count, in C order and native byte order; @p bufsize must be at
 * least its size. Casting, the strict/ignore rules and the outcomes are those of ser_get_array().
 * Only the chunks the block overlaps are read from the file. The block's size counts against the
 * handle's max_entry_bytes and max_total_bytes, as an entry's does.
 *
 * @param out_outcome receives a ::ser_outcome; may be NULL
 * @param h        a handle opened with ser_h5_open() for reading (or a child of one)
 * @param key      the dataset, under the handle's path
 * @param dtype    a ::ser_dtype for the buffer's elements
 * @param ndim     the dataset's rank, 0 to ::SER_MAX_NDIM
 * @param offset   @p ndim first indices of the block (may be NULL when @p ndim is 0)
 * @param count    @p ndim extents of the block, also the buffer's shape (may be NULL when @p ndim is 0)
 * @param buf      the caller's buffer
 * @param bufsize  its size in bytes
 * @return ::SER_OK; ::SER_EINVAL for a bad argument, a non-HDF5 handle or a block outside the
 *         dataset; ::SER_ENOTFOUND, ::SER_EMISMATCH, ::SER_EBUFSIZE, ::SER_EFORMAT, ::SER_ELIMIT as
 *         ser_get_array().
 */
SER_API int ser_h5_get_array(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                             const int64_t *offset, const int64_t *count, void *buf, size_t bufsize) SER_NOEXCEPT;

/**
 * @brief Takes the process-wide lock that every HDF5 call of libchainerser is made under.
 *
 * A host program that calls the HDF5 library itself, from threads that also use libchainerser,
 * should hold this lock around its own HDF5 calls. The lock is recursive; every ser_h5_lock()
 * needs one ser_h5_unlock() on the same thread.
 */
SER_API int ser_h5_lock(void) SER_NOEXCEPT;

/** @brief Releases the lock taken by ser_h5_lock(); ::SER_EINVAL if this thread does not hold it. */
SER_API int ser_h5_unlock(void) SER_NOEXCEPT;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* CHAINERSER_HDF5_H */
