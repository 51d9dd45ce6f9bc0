// ser_put_array_slab(_ex): the C arguments checked on each rank, then the collective put of the
// handle's MPI writer (which agrees them across ranks first).
#include "chainerser/mpi.h"

#include "capi/handle.h"
#include "mpi/mpi_serializer.h"

using namespace chainerser::core;

extern "C" {

int ser_put_array_slab(ser_handle *h, const char *key, int32_t dtype, int32_t ndim, const int64_t *global_shape,
                       const int64_t *offset, const int64_t *count, const void *data, size_t nbytes) noexcept {
    return ser_put_array_slab_ex(h, key, dtype, ndim, global_shape, offset, count, SER_ORDER_C, data, nbytes);
}

int ser_put_array_slab_ex(ser_handle *h, const char *key, int32_t dtype, int32_t ndim, const int64_t *global_shape,
                          const int64_t *offset, const int64_t *count, int32_t order, const void *data,
                          size_t nbytes) noexcept {
    return guarded([&] {
        require(h != nullptr, "handle is NULL");
        auto *w = dynamic_cast<MpiSerializer *>(h->writer.get());
        if (!w) fail(SER_EINVAL, "ser_put_array_slab needs a handle from ser_npz_open_mpi or ser_h5_open_mpi for writing");
        ArrayMeta global;
        Block block;
        const LocalStatus args = attempt([&] {
            require(key != nullptr, "key is NULL");
            require(order == SER_ORDER_C || order == SER_ORDER_F, "order must be SER_ORDER_C or SER_ORDER_F");
            const DTypeInfo &d = dtype_info(dtype);
            if (d.itemsize == 0) fail(SER_EINVAL, std::string(d.name) + " has no fixed item size; slabs need one");
            require(ndim >= 0 && ndim <= SER_MAX_NDIM, "ndim must be in 0-32");
            require(ndim == 0 || (global_shape && offset && count), "global_shape, offset or count is NULL");
            global.type = native_type(d.id);
            global.shape.assign(global_shape, global_shape + ndim);
            block.offset.assign(offset, offset + ndim);
            block.count.assign(count, count + ndim);
        });
        w->put_slab(key ? key : "", global, block, data, nbytes, order == SER_ORDER_F, args);
    });
}

}  // extern "C"
