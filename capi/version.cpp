// Runtime version and dtype helpers.
#include <cstring>

#include "capi/handle.h"
#include "core/dtype.h"

using namespace chainerser::core;

#define SER_STR2(x) #x
#define SER_STR(x) SER_STR2(x)

extern "C" {

int ser_version_major(void) noexcept { return SER_VERSION_MAJOR; }
int ser_version_minor(void) noexcept { return SER_VERSION_MINOR; }
int ser_version_patch(void) noexcept { return SER_VERSION_PATCH; }
int ser_version_number(void) noexcept { return SER_VERSION_NUMBER; }
const char *ser_version_string(void) noexcept {
    return SER_STR(SER_VERSION_MAJOR) "." SER_STR(SER_VERSION_MINOR) "." SER_STR(SER_VERSION_PATCH);
}

const char *ser_dtype_name(int32_t dtype) noexcept {
    const DTypeInfo *d = find_dtype(dtype);
    return d ? d->name : nullptr;
}

size_t ser_dtype_size(int32_t dtype) noexcept {
    const DTypeInfo *d = find_dtype(dtype);
    return d ? d->itemsize : 0;
}

int ser_descr(char *out, size_t size, const ser_array_info *info) noexcept {
    return guarded([&] {
        require(out && info, "out and info must not be NULL");
        std::string d = descr_of(meta_from_info(*info).type);
        if (d.size() + 1 > size) fail(SER_EBUFSIZE, "descr needs " + std::to_string(d.size() + 1) + " bytes");
        std::memcpy(out, d.c_str(), d.size() + 1);
    });
}

}  // extern "C"
