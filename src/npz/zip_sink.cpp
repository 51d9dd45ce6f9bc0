#include "npz/zip_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

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

ScratchFileSink::ScratchFileSink(const std::string &target) : target_(target), fd_(open_scratch_beside(target)) {
    buffer_.reserve(kBufferSize);
}

ScratchFileSink::~ScratchFileSink() { discard(); }

int ScratchFileSink::flush() {
    const unsigned char *p = buffer_.data();
    size_t left = buffer_.size();
    while (left) {
        const ssize_t n = ::pwrite(fd_, p, left, off_t(written_));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? errno : EIO;
        p += n, left -= size_t(n), written_ += uint64_t(n);
    }
    buffer_.clear();
    return 0;
}

int ScratchFileSink::write(const void *data, size_t size) {
    if (fd_ < 0) return EBADF;
    const auto *p = static_cast<const unsigned char *>(data);
    while (size) {
        if (buffer_.size() == kBufferSize)
            if (int err = flush()) return err;
        const size_t take = std::min(size, kBufferSize - buffer_.size());
        buffer_.insert(buffer_.end(), p, p + take);
        p += take, size -= take;
    }
    return 0;
}

int ScratchFileSink::patch(uint64_t offset, const unsigned char (&bytes)[4]) {
    if (fd_ < 0) return EBADF;
    if (offset + 4 > size()) return EINVAL;
    for (size_t i = 0; i < 4; ++i, ++offset) {  // it may straddle the file and the buffer
        if (offset >= written_) {
            buffer_[size_t(offset - written_)] = bytes[i];
            continue;
        }
        ssize_t n;
        do n = ::pwrite(fd_, &bytes[i], 1, off_t(offset));
        while (n < 0 && errno == EINTR);
        if (n != 1) return n < 0 ? errno : EIO;
    }
    return 0;
}

void ScratchFileSink::commit() {
    if (fd_ < 0) fail(SER_EINVAL, target_ + ": the scratch file is already closed");
    if (int err = flush()) fail(SER_EIO, target_ + ": write to a scratch file beside it failed: " + std::strerror(err));
}

void ScratchFileSink::discard() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_ = {};
}

void ScratchFileSink::read(uint64_t offset, void *buf, size_t n) const {
    if (fd_ < 0) fail(SER_EINVAL, target_ + ": the scratch file is already closed");
    if (!buffer_.empty()) fail(SER_EINTERNAL, target_ + ": scratch file read before it was flushed");
    if (offset > written_ || n > written_ - offset) fail(SER_EINTERNAL, target_ + ": read past the scratch file");
    auto *p = static_cast<unsigned char *>(buf);
    for (size_t got = 0; got < n;) {
        const ssize_t r = ::pread(fd_, p + got, n - got, off_t(offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
            fail(SER_EIO, target_ + ": cannot read back a scratch file beside it: " +
                              (r < 0 ? std::strerror(errno) : std::string("it is shorter than written")));
        got += size_t(r);
    }
}

void ScratchFileSink::read_back(size_t chunk, const std::function<void(uint64_t, const void *, size_t)> &use) const {
    if (fd_ < 0) fail(SER_EINVAL, target_ + ": the scratch file is already closed");
    std::unique_ptr<unsigned char[]> block(new unsigned char[std::max<size_t>(1, std::min<uint64_t>(chunk, written_))]);
    for (uint64_t at = 0; at < written_;) {
        const size_t want = size_t(std::min<uint64_t>(chunk, written_ - at));
        read(at, block.get(), want);
        use(at, block.get(), want);
        at += want;
    }
}

}  // namespace chainerser::core
