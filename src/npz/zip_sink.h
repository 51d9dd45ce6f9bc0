// Where a ZipWriter's bytes go: a file built beside its target that replaces it atomically and
// durably at commit(), or a nameless scratch file (an MPI rank's own members, which it
// writes into the shared file at an offset known only once every rank has finished).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chainerser::core {

class ZipSink {
public:
    virtual ~ZipSink() = default;
    // Each returns 0 or the errno of a failed write; the sink is then unusable.
    virtual int write(const void *data, size_t size) = 0;
    // Overwrites 4 bytes already written at `offset`.
    virtual int patch(uint64_t offset, const unsigned char (&bytes)[4]) = 0;
    // Makes everything written final (the file replaces its target). Throws SER_EIO.
    virtual void commit() = 0;
    virtual void discard() noexcept = 0;
};

// Writes to a temporary file beside `target` (SER_EIO if it cannot be made).
std::unique_ptr<ZipSink> file_sink(const std::string &target);

// Spills to a nameless scratch file beside `target` (core/atomic_file.h), through a 1 MiB buffer,
// so that the bytes cost no memory while they wait; the file goes when the sink does. commit()
// flushes the buffer (SER_EIO).
class ScratchFileSink : public ZipSink {
public:
    explicit ScratchFileSink(const std::string &target);  // SER_EIO if it cannot be made
    ~ScratchFileSink() override;
    int write(const void *data, size_t size) override;
    int patch(uint64_t offset, const unsigned char (&bytes)[4]) override;
    void commit() override;
    void discard() noexcept override;

    uint64_t size() const { return written_ + buffer_.size(); }
    // After commit(): every byte in order, `chunk` bytes (at most) at a time through one buffer,
    // as use(offset, data, size). Throws SER_EIO if the scratch file cannot be read.
    void read_back(size_t chunk, const std::function<void(uint64_t, const void *, size_t)> &use) const;
    // After commit(): n bytes at `offset` (which must have been written) into buf. SER_EIO.
    void read(uint64_t offset, void *buf, size_t n) const;

private:
    int flush();
    std::string target_;
    int fd_ = -1;
    uint64_t written_ = 0;  // bytes in the file
    std::vector<unsigned char> buffer_;
};

}  // namespace chainerser::core
