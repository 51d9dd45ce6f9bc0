// HDF5 failures as chainerser::core::Error: the library's error stack is walked and folded into the
// message, after the caller's own context (file, key, what was being done).
#pragma once

#include <hdf5.h>

#include <string>

namespace chainerser::core {

// "H5Fopen(): unable to open file; H5F_open(): truncated file ..." for the calling thread's
// current HDF5 error stack, which is cleared. "" when the stack is empty. Call under Hdf5Lock.
std::string hdf5_error_stack();

// Throws Error(code, context + " (HDF5: " + stack + ")").
[[noreturn]] void hdf5_fail(int code, const std::string &context);
// The same with a stack the caller has already taken.
[[noreturn]] void hdf5_fail(int code, const std::string &context, const std::string &stack);

// Returns `id`, or throws via hdf5_fail when it is negative.
hid_t hdf5_checked(hid_t id, int code, const std::string &context);

}  // namespace chainerser::core
