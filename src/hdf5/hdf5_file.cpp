#include "hdf5/hdf5_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainerser/chainerser.h"
#include "hdf5/hdf5_error.h"

namespace chainerser::core {
namespace {

// The descriptor HDF5 reads `file` through, or -1 when its driver is not sec2 (the default; the
// handle of another driver, such as MPI-IO's MPI_File, is no int).
int sec2_descriptor(hid_t file) {
    void *handle = nullptr;
    const hid_t fapl = H5Fget_access_plist(file);
    const bool sec2 = fapl >= 0 && H5Pget_driver(fapl) == H5FD_SEC2;
    if (fapl >= 0) H5Pclose(fapl);
    if (!sec2 || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    return *static_cast<int *>(handle);
}

void set_close_on_exec(hid_t file) {
    const int fd = sec2_descriptor(file);
    if (fd < 0) return;
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
    const int fd = sec2_descriptor(file);
    if (fd >= 0) {
        // A memory file: it takes the writes and the final truncate, whatever the disk's state.
        const int scratch = ::memfd_create("chainerser-discarded-hdf5", MFD_CLOEXEC);
        if (scratch >= 0) {
            ::dup3(scratch, fd, O_CLOEXEC);
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

std::optional<RawChunkFile> open_raw_chunk_file(hid_t file) {
    const int fd = sec2_descriptor(file);
    if (fd < 0) return std::nullopt;
    hsize_t userblock = 0;
    const hid_t fcpl = H5Fget_create_plist(file);
    const bool known = fcpl >= 0 && H5Pget_userblock(fcpl, &userblock) >= 0;
    if (fcpl >= 0) H5Pclose(fcpl);
    struct stat st;
    if (!known || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        H5Eclear2(H5E_DEFAULT);
        return std::nullopt;
    }
    // A descriptor of our own (the same open file): reads through it need neither HDF5 nor its lock.
    OwnedFd own(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!own) return std::nullopt;
    RawChunkFile raw;
    raw.base = userblock;
    raw.size = uint64_t(st.st_size);
    raw.fd = std::make_shared<OwnedFd>(std::move(own));
    return raw;
}

H5Id create_hdf5_file(const std::string &path, hid_t fapl, const std::string &name) {
    return checked_file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), SER_EIO, name,
                        name + ": cannot create the HDF5 file " + path);
}

}  // namespace chainerser::core
