// Read access to a zip archive through libzip: the central directory is the truth, members are
// read (and inflated) independently, and every full read ends by checking size and CRC-32.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

struct zip;

namespace chainerser {

struct ZipMember {
    std::string name;       // as stored (UTF-8, or CP437 decoded to UTF-8)
    uint64_t size = 0;      // uncompressed
    uint64_t comp_size = 0;
    uint16_t method = 0;
    uint32_t crc = 0;
    bool encrypted = false;
};

class ZipReader {
public:
    explicit ZipReader(std::string path);
    ~ZipReader();
    ZipReader(const ZipReader &) = delete;
    ZipReader &operator=(const ZipReader &) = delete;

    const std::string &path() const { return path_; }
    const std::vector<ZipMember> &members() const { return members_; }

    // Up to n bytes from the start of member `index` (no CRC check: the member is not read whole).
    size_t read_prefix(uint64_t index, void *buf, size_t n);

    // Bytes [offset, offset + n) of member `index` into buf; then the rest of the member is read
    // so that libzip verifies its size and CRC-32. `what` names the entry in messages.
    void read_range(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what);

    // The member's stored bytes as they are in the archive (deflated members: the raw deflate
    // stream), for the caller to decode and check against `crc`.
    std::vector<unsigned char> read_stored_bytes(uint64_t index, const std::string &what);

private:
    void check_readable(uint64_t index, const std::string &what) const;
    std::string path_;
    struct zip *za_ = nullptr;
    std::vector<ZipMember> members_;
    std::mutex mutex_;  // handles derived from one root share this archive
};

}  // namespace chainerser
