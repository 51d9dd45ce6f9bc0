// Where a ZipWriter's bytes go: a file built beside its target that replaces it atomically and
// durably at commit(), or memory (an MPI rank's own members, which it writes into the shared file
// at an offset known only once every rank has finished).
#pragma once

#include <cstddef>
#include <cstdint>
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

// Keeps the bytes in memory; commit() does nothing.
class MemorySink : public ZipSink {
public:
    int write(const void *data, size_t size) override;
    int patch(uint64_t offset, const unsigned char (&bytes)[4]) override;
    void commit() override {}
    void discard() noexcept override { bytes_ = {}; }
    const std::vector<unsigned char> &bytes() const { return bytes_; }

private:
    std::vector<unsigned char> bytes_;
};

}  // namespace chainerser::core
