// The one process-wide lock every HDF5 call is made under (house-style.md: Threads). It is
// recursive, so code holding it may call helpers that take it again.
#pragma once

#include <mutex>

namespace chainerser::core {

std::recursive_mutex &hdf5_mutex();

// Holds hdf5_mutex() for a scope and switches off HDF5's automatic error printing for the
// calling thread (HDF5's error settings are per thread in thread-safe builds).
class Hdf5Lock {
public:
    Hdf5Lock();
    ~Hdf5Lock();
    Hdf5Lock(const Hdf5Lock &) = delete;
    Hdf5Lock &operator=(const Hdf5Lock &) = delete;
};

}  // namespace chainerser::core
