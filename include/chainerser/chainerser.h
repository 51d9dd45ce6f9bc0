/**
 * @file chainerser.h
 * @brief The libchainerser C API: read and write Chainer checkpoints (NPZ and HDF5).
 *
 * @defgroup capi C API
 * @{
 *
 * Every fallible function returns ::SER_OK (0) or a negative ::ser_error code and
 * sets a thread-local message readable with ser_errmsg(). No function prints,
 * aborts, exits or lets a C++ exception escape.
 *
 * A ::ser_handle is an open checkpoint seen at a key-path prefix: the root
 * handle from ser_npz_open() / ser_h5_open(), or a child from ser_child()
 * (Chainer's `serializer['name']`). Distinct handles may be used from different
 * threads at once; one handle must not be used by two threads at once.
 */
#ifndef CHAINERSER_CHAINERSER_H
#define CHAINERSER_CHAINERSER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
/** @brief Marks every exported function `noexcept` when compiled as C++. */
#define SER_NOEXCEPT noexcept
extern "C" {
#else
#define SER_NOEXCEPT
#endif

/** @brief Symbol visibility of the public API. */
#if defined(CHAINERSER_BUILDING)
#define SER_API __attribute__((visibility("default")))
#else
#define SER_API
#endif

/** @brief Major version of these headers. */
#define SER_VERSION_MAJOR 0
/** @brief Minor version of these headers. */
#define SER_VERSION_MINOR 1
/** @brief Patch version of these headers. */
#define SER_VERSION_PATCH 0
/** @brief The version as one number: major * 10000 + minor * 100 + patch. */
#define SER_VERSION_NUMBER (SER_VERSION_MAJOR * 10000 + SER_VERSION_MINOR * 100 + SER_VERSION_PATCH)

/** @brief Most dimensions an array may have (NumPy 1.x's NPY_MAXDIMS). */
#define SER_MAX_NDIM 32

/** @brief Status codes. New codes are only ever appended; treat an unknown negative code as an error. */
typedef enum ser_error {
    SER_OK = 0,               /**< success */
    SER_ENOTFOUND = -1,       /**< file or key does not exist */
    SER_EEXISTS = -2,         /**< key already written */
    SER_EINVAL = -3,          /**< invalid argument (NULL pointer, bad mode, closed handle, ...) */
    SER_EMISMATCH = -4,       /**< dtype or shape in the file differs from what was asked */
    SER_EBUFSIZE = -5,        /**< caller's buffer too small */
    SER_EFORMAT = -6,         /**< the file is corrupt or not in the expected format */
    SER_EIO = -7,             /**< operating-system I/O error */
    SER_ENOMEM = -8,          /**< out of memory */
    SER_EUNSUPPORTED = -9,    /**< valid data this library does not support (e.g. a general pickle) */
    SER_EINTERNAL = -10,      /**< a bug in libchainerser */
    SER_ELIMIT = -11          /**< a configured safety limit was exceeded */
} ser_error;

/** @brief Element types. The values are pinned. */
typedef enum ser_dtype {
    SER_DTYPE_INVALID = 0, /**< not a dtype */
    SER_BOOL = 1,          /**< numpy `|b1` */
    SER_INT8 = 2,          /**< numpy `|i1` */
    SER_INT16 = 3,         /**< numpy `<i2` */
    SER_INT32 = 4,         /**< numpy `<i4` */
    SER_INT64 = 5,         /**< numpy `<i8` */
    SER_UINT8 = 6,         /**< numpy `|u1` */
    SER_UINT16 = 7,        /**< numpy `<u2` */
    SER_UINT32 = 8,        /**< numpy `<u4` */
    SER_UINT64 = 9,        /**< numpy `<u8` */
    SER_FLOAT16 = 10,      /**< numpy `<f2`, IEEE binary16 */
    SER_FLOAT32 = 11,      /**< numpy `<f4` */
    SER_FLOAT64 = 12,      /**< numpy `<f8` */
    SER_COMPLEX64 = 13,    /**< numpy `<c8`: (float32 real, float32 imag) */
    SER_COMPLEX128 = 14,   /**< numpy `<c16` */
    SER_UNICODE = 15,      /**< numpy `<U n`: n UTF-32 code points per element, itemsize 4n */
    SER_BYTES = 16,        /**< numpy `|S n`: n bytes per element, NUL padded */
    SER_NONE = 17          /**< Chainer's `None` (a 0-d object array holding None) */
} ser_dtype;

/** @brief Byte order of the elements in a file. */
typedef enum ser_byteorder {
    SER_BYTEORDER_NA = 0, /**< not applicable (1-byte elements, bytes, None) */
    SER_LITTLE = 1,       /**< little-endian (`<`) */
    SER_BIG = 2           /**< big-endian (`>`) */
} ser_byteorder;

/**
 * @brief Memory order of an array's elements: the order flag of ser_get_array_ex() and the
 *        values of ser_array_info.fortran_order. The values are pinned.
 */
typedef enum ser_order {
    SER_ORDER_C = 0, /**< row-major: the last index varies fastest (NumPy's default, C arrays) */
    SER_ORDER_F = 1  /**< column-major: the first index varies fastest (Fortran arrays, NumPy `order='F'`) */
} ser_order;

/** @brief Open modes. */
typedef enum ser_mode {
    SER_READ = 1, /**< open an existing file for reading */
    SER_WRITE = 2 /**< create a new file; it replaces any existing one atomically at ser_close() */
} ser_mode;

/** @brief What a ser_get_array() call did to the caller's buffer. */
typedef enum ser_outcome {
    SER_LOADED = 0,       /**< the buffer was filled from the file */
    SER_WAS_NONE = 1,     /**< the file holds None; the buffer is untouched (Chainer keeps the target) */
    SER_SKIP_MISSING = 2, /**< key absent and the handle is not strict; buffer untouched */
    SER_SKIP_IGNORED = 3  /**< key matched ignore_names; buffer untouched */
} ser_outcome;

/** @brief How a read may convert the file's dtype to the caller's. */
typedef enum ser_cast {
    SER_CAST_NO = 0,        /**< dtypes must be equal (byte order and memory order are always converted) */
    SER_CAST_SAFE = 1,      /**< numpy `can_cast(..., 'safe')`, e.g. float32 to float64 */
    SER_CAST_SAME_KIND = 2  /**< numpy `'same_kind'`, what Chainer's `numpy.copyto` allows (float64 to float16 too) */
} ser_cast;

/** @brief Callback of ser_options.ignore_fn: return non-zero to skip @p key (the full key, path included). */
typedef int (*ser_ignore_fn)(const char *key, void *ctx);

/**
 * @brief Version of ::ser_options this header describes. Version 1 ends at max_entry_bytes;
 *        version 2 adds align_data, max_members, max_inflate_ratio and max_total_bytes. The
 *        library reads only the fields of the version a caller declares.
 */
#define SER_OPTIONS_VERSION 2

/**
 * @brief Options for opening a file. Fill with ser_options_init() or ::SER_OPTIONS_INIT,
 *        then change fields. Fields are only ever appended.
 */
typedef struct ser_options {
    uint32_t version;           /**< must be ::SER_OPTIONS_VERSION */
    int32_t compress;           /**< writing: 1 compresses (default), 0 stores without compression */
    int32_t compression_level;  /**< writing: deflate level 0-9; -1 = backend default (NPZ 6, HDF5 4) */
    int32_t threads;            /**< worker threads for (de)compression; 0 = one per core */
    int32_t strict;             /**< reading: 1 (default) a missing key is ::SER_ENOTFOUND; 0 leaves the target */
    int32_t cast;               /**< reading: a ::ser_cast rule, default ::SER_CAST_NO */
    const char *path;           /**< reading: raw key prefix, as Chainer's load_npz `path` (NULL = "") */
    const char *const *ignore_names; /**< reading: full keys to skip (see ignore_count) */
    size_t ignore_count;        /**< number of entries in ignore_names */
    ser_ignore_fn ignore_fn;    /**< reading: predicate on full keys; NULL = none */
    void *ignore_ctx;           /**< passed to ignore_fn */
    uint64_t max_header_bytes;  /**< reading: largest npy header accepted (default 10000, NumPy's) */
    uint64_t max_entry_bytes;   /**< reading: largest decoded entry accepted; 0 = no limit but the file's */
    int32_t align_data;         /**< NPZ writing: 1 starts every stored member's array data on a 64-byte
                                     file offset (for aligned zero-copy views); the file stays a normal NPZ */
    uint64_t max_members;       /**< reading: most zip members accepted (default 1048576); 0 = no limit */
    uint32_t max_inflate_ratio; /**< reading: a deflated member may claim at most this many bytes per
                                     compressed byte (default 1032, deflate's own maximum); 0 = no limit */
    uint64_t max_total_bytes;   /**< reading: most decoded bytes one root handle and its children may
                                     read in all; 0 (default) = no limit */
} ser_options;

/** @brief Static initialiser with every default. */
#define SER_OPTIONS_INIT \
    { SER_OPTIONS_VERSION, 1, -1, 0, 1, SER_CAST_NO, NULL, NULL, 0, NULL, NULL, 10000, 0, 0, 1048576, 1032, 0 }

/**
 * @brief What a file holds under a key, without its data. The layout is frozen.
 */
typedef struct ser_array_info {
    int32_t dtype;              /**< a ::ser_dtype (::SER_NONE for None) */
    int32_t byteorder;          /**< a ::ser_byteorder, as stored in the file */
    int32_t fortran_order;      /**< a ::ser_order: ::SER_ORDER_F (1) if the data is column-major */
    int32_t ndim;               /**< number of dimensions, 0 for scalars and None */
    int64_t shape[SER_MAX_NDIM]; /**< the first ndim entries are the shape */
    uint64_t itemsize;          /**< bytes per element (4n for `<U n`, n for `|S n`) */
    uint64_t count;             /**< number of elements (1 for 0-d, 0 for None) */
    uint64_t nbytes;            /**< count * itemsize */
} ser_array_info;

/** @brief Opaque handle on an open checkpoint at a key-path prefix. */
typedef struct ser_handle ser_handle;

/** @name Versions and errors */
/**@{*/
/** @brief Runtime major version (compare with ::SER_VERSION_MAJOR). */
SER_API int ser_version_major(void) SER_NOEXCEPT;
/** @brief Runtime minor version. */
SER_API int ser_version_minor(void) SER_NOEXCEPT;
/** @brief Runtime patch version. */
SER_API int ser_version_patch(void) SER_NOEXCEPT;
/** @brief Runtime ::SER_VERSION_NUMBER. */
SER_API int ser_version_number(void) SER_NOEXCEPT;
/** @brief Runtime version as "major.minor.patch"; static storage. */
SER_API const char *ser_version_string(void) SER_NOEXCEPT;
/** @brief This thread's message for the last failed call; "" after a success. Never NULL. */
SER_API const char *ser_errmsg(void) SER_NOEXCEPT;
/** @brief Static text for a status code. Never NULL. */
SER_API const char *ser_strerror(int code) SER_NOEXCEPT;
/** @brief numpy's name for a dtype ("float32"), or NULL for an invalid value. */
SER_API const char *ser_dtype_name(int32_t dtype) SER_NOEXCEPT;
/** @brief Bytes per element of a fixed-size dtype; 0 for ::SER_UNICODE, ::SER_BYTES, ::SER_NONE and invalid values. */
SER_API size_t ser_dtype_size(int32_t dtype) SER_NOEXCEPT;
/**
 * @brief Writes the numpy descr of @p info (e.g. "<f4", ">i8", "<U5", "|O") into @p out.
 * @return ::SER_OK, ::SER_EBUFSIZE if @p size is too small (32 bytes always suffice), ::SER_EINVAL.
 */
SER_API int ser_descr(char *out, size_t size, const ser_array_info *info) SER_NOEXCEPT;
/**@}*/

/** @name Opening and closing */
/**@{*/
/**
 * @brief Fills the fields of @p opts that exist in @p version with their defaults and sets
 *        opts->version. Pass ::SER_OPTIONS_VERSION; a program built against an older header
 *        passes the older value, and nothing past its shorter struct is touched.
 */
SER_API int ser_options_init(ser_options *opts, uint32_t version) SER_NOEXCEPT;

/**
 * @brief Opens a NumPy `.npz` checkpoint (Chainer's save_npz/load_npz format).
 * @param out   receives the root handle; NULL on failure
 * @param path  file name, used exactly as given (no `.npz` is appended)
 * @param mode  ::SER_READ or ::SER_WRITE
 * @param opts  NULL for the defaults
 *
 * Reading opens only the zip directory. Writing builds the archive next to
 * @p path and replaces @p path atomically and durably at ser_close().
 */
SER_API int ser_npz_open(ser_handle **out, const char *path, int32_t mode, const ser_options *opts) SER_NOEXCEPT;

/**
 * @brief Opens an HDF5 checkpoint (Chainer's save_hdf5/load_hdf5 format). Same contract as ser_npz_open().
 */
SER_API int ser_h5_open(ser_handle **out, const char *path, int32_t mode, const ser_options *opts) SER_NOEXCEPT;

/**
 * @brief Returns a handle on the sub-path @p name (Chainer's `serializer[name]`).
 *
 * Every leading and trailing '/' of @p name is removed and "name/" is appended to
 * the parent's path. The child shares the parent's file and must be released with
 * ser_close(); it stays usable until the root is closed.
 */
SER_API int ser_child(ser_handle **out, ser_handle *h, const char *name) SER_NOEXCEPT;

/** @brief The handle's key prefix ("" for a root, "a/b/" for a child); valid while @p h is open. */
SER_API int ser_get_path(const char **out, const ser_handle *h) SER_NOEXCEPT;

/**
 * @brief Releases @p h. For a root opened with ::SER_WRITE this commits the file first and
 *        returns the commit's status; the handle is freed whatever the result. NULL is a no-op.
 */
SER_API int ser_close(ser_handle *h) SER_NOEXCEPT;

/** @brief Releases @p h; a root writer is abandoned and any existing file is left as it was. NULL is a no-op. */
SER_API void ser_discard(ser_handle *h) SER_NOEXCEPT;
/**@}*/

/** @name Writing */
/**@{*/
/**
 * @brief Writes an array under @p key (the handle's path + key, leading '/' removed).
 *
 * @p data holds count * itemsize bytes in C order and native byte order; @p nbytes must equal
 * that. ndim 0 is a scalar. The data is copied or consumed before the call returns.
 * ::SER_UNICODE and ::SER_BYTES need their width: use ser_put_array_ex().
 */
SER_API int ser_put_array(ser_handle *h, const char *key, int32_t dtype, int32_t ndim, const int64_t *shape,
                          const void *data, size_t nbytes) SER_NOEXCEPT;

/**
 * @brief Writes an array described by @p info: any dtype, byte order and memory order.
 *
 * Fields used: dtype, byteorder, fortran_order, ndim, shape, itemsize (for ::SER_UNICODE and
 * ::SER_BYTES; ignored otherwise). NPZ keeps the byte order and memory order as NumPy does;
 * HDF5 keeps the byte order and stores C order.
 *
 * Memory order: with fortran_order ::SER_ORDER_F, @p data is the column-major layout of the
 * array of logical shape (ndim, shape) (a Fortran array of those extents, NumPy's
 * `np.asfortranarray(a)`). NPZ stores it as it is, with `'fortran_order': True` in the npy header:
 * the member is byte-identical to what `numpy.save` writes for that array, and NumPy loads the
 * same logical array (`a[i, j] == A(i+1, j+1)`). Like NumPy, an array that is also C-contiguous
 * (at most one extent above 1, or no elements) is stored with `'fortran_order': False`. HDF5 has
 * no column-major datasets: the library transposes into C order of the same logical shape in its
 * own cache-blocked pass, so h5py reads the same logical array. Any other non-zero value is
 * taken as ::SER_ORDER_F, as in version 0.1.
 */
SER_API int ser_put_array_ex(ser_handle *h, const char *key, const ser_array_info *info, const void *data,
                             size_t nbytes) SER_NOEXCEPT;

/** @brief Writes Chainer's None (an uninitialised parameter or a None persistent). */
SER_API int ser_put_none(ser_handle *h, const char *key) SER_NOEXCEPT;
/** @brief Writes a 0-d int64 (a Python int). */
SER_API int ser_put_int64(ser_handle *h, const char *key, int64_t value) SER_NOEXCEPT;
/** @brief Writes a 0-d float64 (a Python float). */
SER_API int ser_put_float64(ser_handle *h, const char *key, double value) SER_NOEXCEPT;
/** @brief Writes a 0-d bool (a Python bool); any non-zero @p value is True. */
SER_API int ser_put_bool(ser_handle *h, const char *key, int value) SER_NOEXCEPT;
/**
 * @brief Writes a UTF-8 string as a Python `str` persistent: NPZ `<U n` (n code points, at least 1),
 *        HDF5 a variable-length UTF-8 string. Invalid UTF-8 is ::SER_EINVAL.
 */
SER_API int ser_put_string(ser_handle *h, const char *key, const char *utf8) SER_NOEXCEPT;
/** @brief Writes @p size raw bytes as a 0-d `|S size` value (Python `bytes`). */
SER_API int ser_put_bytes(ser_handle *h, const char *key, const void *data, size_t size) SER_NOEXCEPT;
/**@}*/

/** @name Reading */
/**@{*/
/** @brief Sets @p out to 1 if the file holds @p key (path applied), else 0. */
SER_API int ser_has(int *out, ser_handle *h, const char *key) SER_NOEXCEPT;

/** @brief Describes @p key without reading its data (NPZ: reads only the npy header). */
SER_API int ser_get_info(ser_array_info *out, ser_handle *h, const char *key) SER_NOEXCEPT;

/** @brief Number of keys under the handle's path (and the open options' path). */
SER_API int ser_key_count(size_t *out, ser_handle *h) SER_NOEXCEPT;

/**
 * @brief The @p index-th key under the handle's path, relative to it, in sorted order.
 *        The string stays valid until the handle is closed.
 */
SER_API int ser_key_at(const char **out, ser_handle *h, size_t index) SER_NOEXCEPT;

/**
 * @brief Reads @p key into the caller's buffer with Chainer's load semantics.
 *
 * The buffer holds an array of @p dtype and shape (@p ndim, @p shape) in C order and native
 * byte order; @p bufsize must be at least its size. The file's shape must equal it; its dtype
 * must equal it or be castable under the handle's ::ser_cast rule. Big-endian and
 * Fortran-ordered data are converted. Outcomes other than ::SER_LOADED leave the buffer alone.
 * @param out_outcome receives a ::ser_outcome; may be NULL
 * @param h       a reading handle
 * @param key     the key under the handle's path
 * @param dtype   the buffer's ::ser_dtype
 * @param ndim    the buffer's number of dimensions
 * @param shape   the buffer's extents (may be NULL when ndim is 0)
 * @param buf     the caller's buffer
 * @param bufsize its size in bytes
 */
SER_API int ser_get_array(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                          const int64_t *shape, void *buf, size_t bufsize) SER_NOEXCEPT;

/**
 * @brief Reads one block of @p key into the caller's buffer, from an NPZ or an HDF5 file
 *        (ser_h5_get_array() generalised to both formats).
 *
 * The block starts at @p offset and has the extent @p count on each of the @p ndim axes;
 * @p ndim must equal the entry's rank (0 reads a scalar). The buffer receives the block as an
 * array of @p dtype and shape @p count, in C order and native byte order; @p bufsize must be at
 * least its size. Casting, the strict/ignore rules and the outcomes are those of ser_get_array();
 * the block's size counts against max_entry_bytes and max_total_bytes. HDF5 reads only the chunks
 * the block overlaps; a stored NPZ member only the block's bytes (not CRC-checked, as the CRC-32
 * covers the whole member); a compressed NPZ member is inflated whole and CRC-checked.
 *
 * @param out_outcome receives a ::ser_outcome; may be NULL
 * @param h        a reading handle
 * @param key      the entry, under the handle's path
 * @param dtype    a ::ser_dtype for the buffer's elements
 * @param ndim     the entry's rank, 0 to ::SER_MAX_NDIM
 * @param offset   @p ndim first indices of the block (may be NULL when @p ndim is 0)
 * @param count    @p ndim extents of the block, also the buffer's shape (may be NULL when @p ndim is 0)
 * @param buf      the caller's buffer
 * @param bufsize  its size in bytes
 * @return ::SER_OK; ::SER_EINVAL for a bad argument or a block outside the entry; otherwise as
 *         ser_get_array().
 */
SER_API int ser_get_array_slab(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                               const int64_t *offset, const int64_t *count, void *buf, size_t bufsize) SER_NOEXCEPT;

/**
 * @brief ser_get_array() with the buffer in either memory order.
 *
 * @p shape is the array's logical (NumPy) shape in both orders, and must equal the file's.
 * With @p order ::SER_ORDER_F the buffer receives the column-major layout of that array (a
 * Fortran array with the same extents: `A(i+1, j+1) == a[i, j]`), whatever order the file
 * stores: an NPZ member stored with `'fortran_order': True` is copied (or inflated) straight
 * into the buffer, a C-ordered one, and every HDF5 dataset, is transposed in cache-sized blocks.
 * ::SER_ORDER_C is exactly ser_get_array().
 * @param out_outcome receives a ::ser_outcome; may be NULL
 * @param h       a reading handle
 * @param key     the key under the handle's path
 * @param dtype   the buffer's ::ser_dtype
 * @param ndim    the buffer's number of dimensions
 * @param shape   the buffer's logical extents (may be NULL when ndim is 0)
 * @param order   the buffer's ::ser_order
 * @param buf     the caller's buffer
 * @param bufsize its size in bytes
 * @return ::SER_OK; ::SER_EINVAL for an @p order other than ::SER_ORDER_C and ::SER_ORDER_F or
 *         another bad argument; otherwise as ser_get_array().
 */
SER_API int ser_get_array_ex(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                             const int64_t *shape, int32_t order, void *buf, size_t bufsize) SER_NOEXCEPT;

/**
 * @brief ser_get_array_slab() with the buffer in either memory order.
 *
 * @p offset and @p count are in the entry's logical axes, as for ser_get_array_slab(); with
 * @p order ::SER_ORDER_F the buffer receives the block column-major (a Fortran array of extents
 * @p count), as ser_get_array_ex() does for a whole entry.
 * @param out_outcome receives a ::ser_outcome; may be NULL
 * @param h        a reading handle
 * @param key      the entry, under the handle's path
 * @param dtype    a ::ser_dtype for the buffer's elements
 * @param ndim     the entry's rank, 0 to ::SER_MAX_NDIM
 * @param offset   @p ndim first indices of the block (may be NULL when @p ndim is 0)
 * @param count    @p ndim extents of the block, also the buffer's shape (may be NULL when @p ndim is 0)
 * @param order    the buffer's ::ser_order
 * @param buf      the caller's buffer
 * @param bufsize  its size in bytes
 * @return as ser_get_array_slab(); ::SER_EINVAL for a bad @p order.
 */
SER_API int ser_get_array_slab_ex(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype,
                                  int32_t ndim, const int64_t *offset, const int64_t *count, int32_t order,
                                  void *buf, size_t bufsize) SER_NOEXCEPT;

/** @brief One read of a ser_get_arrays() batch: the arguments of ser_get_array() plus its results. */
typedef struct ser_get_request {
    const char *key;       /**< in: key under the handle's path */
    int32_t dtype;         /**< in: the buffer's ::ser_dtype */
    int32_t ndim;          /**< in: the buffer's number of dimensions */
    const int64_t *shape;  /**< in: the buffer's extents */
    void *buf;             /**< in: the caller's buffer */
    size_t bufsize;        /**< in: its size in bytes */
    int32_t status;        /**< out: ::SER_OK or this read's error code */
    int32_t outcome;       /**< out: a ::ser_outcome when status is ::SER_OK */
} ser_get_request;

/**
 * @brief Performs many ser_get_array() reads, decompressing on ser_options.threads workers.
 *
 * Every request is attempted; each gets its own status and outcome. Returns ::SER_OK if all
 * succeeded, else the code of the first failed request (in array order), whose message
 * ser_errmsg() then holds.
 */
SER_API int ser_get_arrays(ser_handle *h, ser_get_request *requests, size_t count) SER_NOEXCEPT;

/**
 * @brief ser_get_arrays() with every buffer of the batch in the memory order @p order (a
 *        ::ser_order), as ser_get_array_ex() fills one. A bad @p order is ::SER_EINVAL before
 *        any request is looked at (their status and outcome fields are left as they were).
 */
SER_API int ser_get_arrays_ex(ser_handle *h, ser_get_request *requests, size_t count, int32_t order) SER_NOEXCEPT;

/**
 * @brief Reads a scalar (0-d or one-element) integer into @p out with Chainer's `int` rule:
 *        any integer or bool dtype is accepted, floats are ::SER_EMISMATCH.
 *        Missing/ignored/None leave @p out untouched (see @p out_outcome, may be NULL).
 */
SER_API int ser_get_int64(int64_t *out, int32_t *out_outcome, ser_handle *h, const char *key) SER_NOEXCEPT;
/** @brief Reads a scalar into a double with Chainer's `float` rule (ints, bools and floats; not complex). */
SER_API int ser_get_float64(double *out, int32_t *out_outcome, ser_handle *h, const char *key) SER_NOEXCEPT;
/** @brief Reads a scalar bool (Chainer's `bool` rule: bool dtype only). */
SER_API int ser_get_bool(int *out, int32_t *out_outcome, ser_handle *h, const char *key) SER_NOEXCEPT;

/**
 * @brief Reads a 0-d string (`<U n` or `|S n` in NPZ, a string dataset in HDF5) as UTF-8.
 *
 * Call with @p buf NULL to learn the size: @p out_size receives the bytes needed including the
 * terminating NUL. Trailing NULs of the stored value are removed, as NumPy does.
 * @return ::SER_EBUFSIZE (with @p out_size set) if @p bufsize is too small.
 */
SER_API int ser_get_string(size_t *out_size, int32_t *out_outcome, ser_handle *h, const char *key, char *buf,
                           size_t bufsize) SER_NOEXCEPT;
/**@}*/

/**
 * @brief Copies the entry @p key of @p src to the same key under @p dst (e.g. NPZ to HDF5),
 *        keeping dtype, byte order, shape, None and strings.
 *
 * NumPy's memory order is kept too: a Fortran-ordered NPZ member becomes a C-order HDF5 dataset
 * marked with the attribute `chainerser_fortran_order`, and such a dataset becomes a
 * Fortran-ordered NPZ member again (docs/on-disk-layout.md).
 */
SER_API int ser_copy_entry(ser_handle *dst, ser_handle *src, const char *key) SER_NOEXCEPT;

/** @brief Copies every entry under @p src's path to @p dst (e.g. NPZ to HDF5), losslessly. */
SER_API int ser_copy_all(ser_handle *dst, ser_handle *src) SER_NOEXCEPT;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* CHAINERSER_CHAINERSER_H */
