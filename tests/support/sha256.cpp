#include "support/sha256.h"

// Compiled in here so the tests do not depend on building the command (CHAINERSER_BUILD_TOOLS).
#include "../../tools/cli/sha256.cpp"

namespace testsupport {

std::string sha256_hex(const void *data, size_t n) {
    cli::Sha256 s;
    s.update(data, n);
    return s.hex_digest();
}

}  // namespace testsupport
