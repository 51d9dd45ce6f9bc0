// The HDF5-only calls: hyperslab reads and the public side of the HDF5 lock.
#include "chainerser/hdf5.h"

#include "capi/handle.h"
#include "hdf5/hdf5_deserializer.h"
#include "hdf5/hdf5_lock.h"

using namespace chainerser::core;

namespace {

Hdf5Deserializer &hdf5_reader_of(ser_handle *h) {
    auto *r = dynamic_cast<Hdf5Deserializer *>(&reader_of(h));
    if (!r) fail(SER_EINVAL, "not an HDF5 handle (open the file with ser_h5_open)");
    return *r;
}

// ser_h5_lock calls this thread has not yet matched with ser_h5_unlock.
thread_local unsigned public_lock_depth = 0;

}  // namespace

extern "C" {

int ser_h5_get_array(int32_t *out_outcome, ser_handle *h, const char *key, int32_t dtype, int32_t ndim,
                     const int64_t *offset, const int64_t *count, void *buf, size_t bufsize) noexcept {
    return guarded([&] {
        const ser_outcome o = load_slab(hdf5_reader_of(h), key, dtype, ndim, offset, count, SER_ORDER_C, buf, bufsize);
        if (out_outcome) *out_outcome = o;
    });
}

int ser_h5_lock(void) noexcept {
    return guarded([] {
        hdf5_mutex().lock();
        ++public_lock_depth;
    });
}

int ser_h5_unlock(void) noexcept {
    return guarded([] {
        if (public_lock_depth == 0) fail(SER_EINVAL, "ser_h5_unlock: this thread does not hold the HDF5 lock");
        --public_lock_depth;
        hdf5_mutex().unlock();
    });
}

}  // extern "C"
