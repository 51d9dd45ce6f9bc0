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
        AbstractDeserializer &r = hdf5_reader_of(h);
        require(key != nullptr, "key is NULL");
        require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
        require(ndim == 0 || offset != nullptr, "offset is NULL");
        require(ndim == 0 || count != nullptr, "count is NULL");
        TargetBuffer t{ser_dtype(dtype_info(dtype).id), std::vector<int64_t>(count, count + ndim), buf, bufsize};
        ser_outcome o = r.load_block(key, std::vector<int64_t>(offset, offset + ndim), t);
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
