#include "core/file_view.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/error.h"

namespace chainerser::core {

PrivateFileView::PrivateFileView(int fd, uint64_t offset, uint64_t size, size_t headroom, const std::string &what) {
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    const uint64_t file_start = offset / page * page, file_length = offset - file_start + size;
    const uint64_t front = (headroom + page - 1) / page * page;
    const uint64_t length = front + (file_length + page - 1) / page * page;
    if (size == 0 || length > SIZE_MAX / 2) fail(SER_ENOMEM, what + "cannot map " + std::to_string(size) + " bytes");
    // Reserved with the zero pages in front, then the file mapped over the rest of the range.
    void *base = ::mmap(nullptr, size_t(length), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) fail(SER_ENOMEM, what + "cannot map the member: " + std::strerror(errno));
    unsigned char *file = static_cast<unsigned char *>(base) + front;
    if (::mmap(file, size_t(file_length), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, off_t(file_start)) ==
        MAP_FAILED) {
        const int err = errno;
        ::munmap(base, size_t(length));
        fail(SER_ENOMEM, what + "cannot map the member: " + std::strerror(err));
    }
    ::madvise(file, size_t(file_length), MADV_SEQUENTIAL);
    base_ = base;
    length_ = size_t(length);
    data_ = file + (offset - file_start);
}

PrivateFileView::~PrivateFileView() { ::munmap(base_, length_); }

PagesHandedBack::PagesHandedBack(const unsigned char *from, size_t size) {
    const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = (uintptr_t(from) + page - 1) / page * page, end = (uintptr_t(from) + size) / page * page;
    if (end <= begin) return;
    thread_ = std::thread([this, begin, end] {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stop_requested_.wait_for(lock, std::chrono::milliseconds(5), [this] { return stop_; }))
            ::madvise(reinterpret_cast<void *>(begin), size_t(end - begin), MADV_DONTNEED);
    });
}

PagesHandedBack::~PagesHandedBack() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
}

}  // namespace chainerser::core
