#include "support/sha256.h"

#include "cli/sha256.h"

namespace testsupport {

std::string sha256_hex(const void *data, size_t n) {
    cli::Sha256 s;
    s.update(data, n);
    return s.hex_digest();
}

}  // namespace testsupport
