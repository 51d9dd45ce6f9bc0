#include "npz/zip_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace chainerser::core {
namespace {

constexpr size_t kBufferSize = size_t(1) << 20;

class FileSink : public ZipSink {
public:
    explicit FileSink(const std::string &target) : replace_(target) {
        fd_ = ::open(replace_.temp_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd_ < 0) fail(SER_EIO, replace_.target() + ": cannot open a file beside it: " + std::strerror(errno));
        buffer_.reserve(kBufferSize);
    }
    ~FileSink() override { discard(); }

    int write(const void *data, size_t size) override {
        const auto *p = static_cast<const unsigned char *>(data);
        if (buffer_.size() + size <= kBufferSize) {
            buffer_.insert(buffer_.end(), p, p + size);
            return 0;
        }
        if (int err = flush()) return err;
        while (size) {  // large payloads go straight to the file
            ssize_t n = ::write(fd_, p, std::min<size_t>(size, size_t(32) << 20));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return n < 0 ? errno : EIO;
            p += n, size -= size_t(n), written_ += uint64_t(n);
            start_writeback();
        }
        return 0;
    }

    int patch(uint64_t offset, const unsigned char (&bytes)[4]) override {
        if (offset >= written_) {  // still in the buffer
            std::memcpy(buffer_.data() + (offset - written_), bytes, 4);
            return 0;
        }
        ssize_t n;
        do n = ::pwrite(fd_, bytes, 4, off_t(offset));
        while (n < 0 && errno == EINTR);
        return n == 4 ? 0 : n < 0 ? errno : EIO;
    }

    void commit() override {
        if (int err = flush()) fail(SER_EIO, replace_.target() + ": write failed: " + std::strerror(err));
        int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) {
            replace_.abandon();
            fail(SER_EIO, replace_.target() + ": close failed: " + std::strerror(errno));
        }
        replace_.commit();
    }

    void discard() noexcept override {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
        replace_.abandon();
    }

private:
    int flush() {
        const unsigned char *p = buffer_.data();
        size_t left = buffer_.size();
        while (left) {
            ssize_t n = ::write(fd_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return n < 0 ? errno : EIO;
            p += n, left -= size_t(n), written_ += uint64_t(n);
        }
        buffer_.clear();
        start_writeback();
        return 0;
    }

    void start_writeback() {
        // Ask the kernel to start writing what we have so far, so that the fsync at commit (which
        // a durable save needs) finds little left to do. Best effort: an error here changes nothing.
        constexpr uint64_t kStep = uint64_t(32) << 20;
        if (written_ - writeback_from_ < kStep) return;
        ::sync_file_range(fd_, off_t(writeback_from_), off_t(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
        writeback_from_ = written_;
    }

    AtomicReplace replace_;
    int fd_ = -1;
    uint64_t written_ = 0;         // bytes handed to the file so far
    uint64_t writeback_from_ = 0;  // file offset up to which writeback has been started
    std::vector<unsigned char> buffer_;
};

}  // namespace

std::unique_ptr<ZipSink> file_sink(const std::string &target) { return std::make_unique<FileSink>(target); }

int MemorySink::write(const void *data, size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    bytes_.insert(bytes_.end(), p, p + size);
    return 0;
}

int MemorySink::patch(uint64_t offset, const unsigned char (&bytes)[4]) {
    if (offset + 4 > bytes_.size()) return EINVAL;
    std::memcpy(bytes_.data() + offset, bytes, 4);
    return 0;
}

}  // namespace chainerser::core
