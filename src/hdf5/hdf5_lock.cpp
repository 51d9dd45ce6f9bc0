#include "hdf5/hdf5_lock.h"

#include <hdf5.h>

namespace chainerser::core {

std::recursive_mutex &hdf5_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

Hdf5Lock::Hdf5Lock() {
    hdf5_mutex().lock();
    thread_local bool silenced = false;
    if (!silenced) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        silenced = true;
    }
}

Hdf5Lock::~Hdf5Lock() { hdf5_mutex().unlock(); }

}  // namespace chainerser::core
