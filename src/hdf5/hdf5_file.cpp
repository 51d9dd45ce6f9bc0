#include "hdf5/hdf5_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chainerser/chainerser.h"
#include "hdf5/hdf5_error.h"

namespace chainerser::core {
namespace {

void set_close_on_exec(hid_t file) {
    void *handle = nullptr;
    // The default (sec2) driver's handle is a pointer to its int descriptor.
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    const int fd = *static_cast<int *>(handle);
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

H5Id checked_file(hid_t id, int code, const std::string &name, const std::string &context) {
    if (id < 0) {
        std::string stack = hdf5_error_stack();
        if (stack.find("unable to lock file") != std::string::npos)
            hdf5_fail(SER_EIO, name + ": the HDF5 file is locked (open for writing elsewhere?)", stack);
        hdf5_fail(code, context, stack);
    }
    set_close_on_exec(id);
    return H5Id(id, code, context);
}

}  // namespace

void close_failed_hdf5_file(hid_t file) noexcept {
    void *handle = nullptr;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) >= 0 && handle) {
        // A memory file: it takes the writes and the final truncate, whatever the disk's state.
        const int scratch = ::memfd_create("chainerser-discarded-hdf5", MFD_CLOEXEC);
        if (scratch >= 0) {
            ::dup3(scratch, *static_cast<int *>(handle), O_CLOEXEC);
            ::close(scratch);
        }
    }
    H5Fclose(file);
    H5Eclear2(H5E_DEFAULT);
}

H5Id open_hdf5_file(const std::string &name) {
    return checked_file(H5Fopen(name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), SER_EFORMAT, name,
                        name + ": cannot open the HDF5 file (corrupt or truncated?)");
}

H5Id create_hdf5_file(const std::string &path, hid_t fapl, const std::string &name) {
    return checked_file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), SER_EIO, name,
                        name + ": cannot create the HDF5 file " + path);
}

}  // namespace chainerser::core
