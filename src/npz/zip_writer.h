// Building a zip archive through libzip from members that are already encoded: deflated members
// are handed over as raw deflate streams (libzip copies them without recompressing), stored
// members as they are. The archive is written beside the target and replaces it at commit().
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/atomic_file.h"

struct zip;

namespace chainerser {

struct EncodedMember {
    std::vector<unsigned char> bytes;  // deflate stream, or the plain bytes when stored
    bool deflated = false;
    uint64_t size = 0;                 // uncompressed size
    uint32_t crc = 0;                  // CRC-32 of the uncompressed bytes
};

class ZipWriter {
public:
    explicit ZipWriter(std::string target);
    ~ZipWriter();
    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    // Adds a member; `name` must be new (SER_EEXISTS otherwise).
    void add(const std::string &name, EncodedMember member);
    // Writes the archive and moves it over the target. The writer is finished either way.
    void commit();
    void discard() noexcept;

private:
    AtomicReplace replace_;
    struct zip *za_ = nullptr;
    std::set<std::string> names_;
};

}  // namespace chainerser
