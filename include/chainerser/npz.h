/**
 * @file npz.h
 * @brief NPZ-specific additions to the C API: zero-copy views of stored members.
 *
 * @defgroup npz NPZ extras
 * @{
 */
#ifndef CHAINERSER_NPZ_H
#define CHAINERSER_NPZ_H

#include <chainerser/chainerser.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Points at @p key's array data inside a read-only mapping of the file, without copying.
 *
 * Only members stored without compression (numpy.savez, or ::ser_options.compress = 0) can be
 * viewed; a compressed member is ::SER_EUNSUPPORTED and None is ::SER_EMISMATCH. @p out_info
 * describes the bytes as stored: byte order and memory order may differ from the host's. Write
 * files with ::ser_options.align_data = 1 to get 64-byte aligned views.
 *
 * The pointer stays valid until @p h and every other handle derived from the same root are
 * closed. The view does not check the member's CRC-32 (that needs a full read: use
 * ser_get_array(), or `chainerser verify`). The file must not be truncated while viewed.
 *
 * @param out      receives the data pointer (NULL on failure)
 * @param out_info receives dtype, byte order, memory order and shape of the viewed bytes
 * @param h        a reading handle opened with ser_npz_open()
 * @param key      the key under the handle's path
 */
SER_API int ser_npz_view(const void **out, ser_array_info *out_info, ser_handle *h, const char *key) SER_NOEXCEPT;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* CHAINERSER_NPZ_H */
