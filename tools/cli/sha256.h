// SHA-256 (FIPS 180-4), for `ls --json` hashes of an entry's canonical bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cli {

class Sha256 {
public:
    Sha256();
    void update(const void *data, size_t size);
    std::string hex_digest();  // finishes the hash

private:
    void block(const unsigned char *p);
    uint32_t h_[8];
    unsigned char buf_[64];
    size_t buffered_ = 0;
    uint64_t total_ = 0;
};

}  // namespace cli
