#include "hdf5/hdf5_deflate_filter.h"

#include <hdf5.h>

#include <cstring>

#include "codec/deflate.h"
#include "core/error.h"

// libhdf5 1.10 (serial and MPI) exports these but declares them only in its private headers.
// H5Zregister refuses the predefined filter ids; H5Z_register, behind it, replaces the entry of
// a registered id. H5Z_DEFLATE is HDF5's own deflate filter class: the override hands decoding to
// it and registers it again when it ends.
extern "C" {
extern const H5Z_class2_t H5Z_DEFLATE[1];
herr_t H5Z_register(const H5Z_class2_t *cls);
}

namespace chainerser::core {
namespace {

// H5Z_func_t: returns the size of the data now in *buf (of *buf_size bytes), or 0 on failure.
size_t libdeflate_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes,
                         size_t *buf_size, void **buf) {
    if ((flags & H5Z_FLAG_REVERSE) || cd_nelmts != 1 || cd_values[0] > 9)
        return H5Z_DEFLATE->filter(flags, cd_nelmts, cd_values, nbytes, buf_size, buf);
    try {
        const ByteBuffer z = zlib_compress(*buf, nbytes, int(cd_values[0]));
        void *out = H5allocate_memory(z.size(), false);
        if (!out) return 0;
        std::memcpy(out, z.data(), z.size());
        H5free_memory(*buf);
        *buf = out;
        *buf_size = z.size();
        return z.size();
    } catch (...) {  // no exception may unwind through HDF5's C frames
        return 0;
    }
}

H5Z_class2_t libdeflate_class() {
    H5Z_class2_t c = H5Z_DEFLATE[0];
    c.name = "deflate";
    c.filter = libdeflate_filter;
    return c;
}

}  // namespace

DeflateFilterOverride::DeflateFilterOverride() noexcept {
    static const H5Z_class2_t overriding = libdeflate_class();
    active_ = H5Z_register(&overriding) >= 0;
    if (!active_) H5Eclear2(H5E_DEFAULT);
}

DeflateFilterOverride::~DeflateFilterOverride() {
    if (active_ && H5Z_register(H5Z_DEFLATE) < 0) H5Eclear2(H5E_DEFAULT);
}

}  // namespace chainerser::core
