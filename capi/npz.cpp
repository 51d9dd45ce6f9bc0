// NPZ-specific entry points (include/chainerser/npz.h).
#include "chainerser/npz.h"

#include "capi/handle.h"
#include "npz/npz_deserializer.h"

using namespace chainerser::core;

extern "C" {

int ser_npz_view(const void **out, ser_array_info *out_info, ser_handle *h, const char *key) noexcept {
    if (out) *out = nullptr;
    return guarded([&] {
        require(out != nullptr && out_info != nullptr, "out and out_info must not be NULL");
        auto *npz = dynamic_cast<NpzDeserializer *>(&reader_of(h));
        if (!npz) fail(SER_EINVAL, "not an NPZ handle (views exist only for NPZ files)");
        require(key != nullptr, "key is NULL");
        ArrayMeta meta;
        const void *p = npz->view(key, meta);
        *out_info = info_from_meta(meta);
        *out = p;
    });
}

}  // extern "C"
