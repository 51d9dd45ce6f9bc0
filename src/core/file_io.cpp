#include "core/file_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace chainerser::core {

void pread_exact(int fd, void *buf, uint64_t size, uint64_t offset, const std::string &what) {
    auto *p = static_cast<unsigned char *>(buf);
    while (size) {
        ssize_t n = ::pread(fd, p, size_t(std::min<uint64_t>(size, uint64_t(1) << 30)), off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(SER_EIO, what + "read failed: " + std::strerror(errno));
        if (n == 0) fail(SER_EFORMAT, what + "unexpected end of file (truncated?)");
        p += n, size -= uint64_t(n), offset += uint64_t(n);
    }
}

void OwnedFd::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace chainerser::core
