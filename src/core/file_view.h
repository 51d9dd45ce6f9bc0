// A private, writable view of a range of a file, mapped, with writable bytes in front of it: a large
// member is inflated from the page cache's own pages, with no copy of its stored bytes, and the
// few bytes that inflate_split.h writes around its cut are copied on write, never reaching the
// file. As with any mapping, the file must not shrink under it (a truncated file would fault).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace chainerser::core {

class PrivateFileView {
public:
    // Bytes [offset, offset + size) of the file open on `fd`, after `headroom` writable bytes;
    // throws SER_ENOMEM (naming `what`) if it cannot be mapped.
    PrivateFileView(int fd, uint64_t offset, uint64_t size, size_t headroom, const std::string &what);
    ~PrivateFileView();
    PrivateFileView(const PrivateFileView &) = delete;
    PrivateFileView &operator=(const PrivateFileView &) = delete;

    unsigned char *data() const { return data_; }

private:
    void *base_ = nullptr;
    size_t length_ = 0;
    unsigned char *data_ = nullptr;
};

// While it lives, a thread hands the pages of bytes [from, from + size) of a PrivateFileView
// back every few milliseconds, so that reading a large view through once holds a few MiB of it,
// not all of it (peak RSS). Only for bytes nobody writes meanwhile: touched again, a page comes
// back from the file, as the kernel guarantees for a private file mapping's unwritten pages.
class PagesHandedBack {
public:
    PagesHandedBack(const unsigned char *from, size_t size);
    ~PagesHandedBack();
    PagesHandedBack(const PagesHandedBack &) = delete;
    PagesHandedBack &operator=(const PagesHandedBack &) = delete;

private:
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace chainerser::core
