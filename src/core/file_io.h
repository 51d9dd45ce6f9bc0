// Reading a file by offset through a descriptor, and a descriptor that closes itself.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace chainerser::core {

// pread that fills the whole buffer or throws (SER_EIO on error, SER_EFORMAT on end of file).
void pread_exact(int fd, void *buf, uint64_t size, uint64_t offset, const std::string &what);

class OwnedFd {
public:
    OwnedFd() = default;
    explicit OwnedFd(int fd) : fd_(fd) {}
    ~OwnedFd() { reset(); }
    OwnedFd(OwnedFd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    OwnedFd &operator=(OwnedFd &&o) noexcept {
        if (this != &o) reset(), fd_ = std::exchange(o.fd_, -1);
        return *this;
    }
    OwnedFd(const OwnedFd &) = delete;
    OwnedFd &operator=(const OwnedFd &) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() noexcept;

private:
    int fd_ = -1;
};

}  // namespace chainerser::core
