#include "hdf5/hdf5_id.h"

#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_lock.h"

namespace chainerser::core {

H5Id::H5Id(hid_t id, int code, const std::string &context) : id_(hdf5_checked(id, code, context)) {}

void H5Id::reset() noexcept {
    if (id_ < 0) return;
    Hdf5Lock lock;
    H5Idec_ref(id_);
    H5Eclear2(H5E_DEFAULT);
    id_ = H5I_INVALID_HID;
}

}  // namespace chainerser::core
