// SHA-256 for tests that compare data with digests NumPy or MANIFEST.json give. The one
// implementation in the repository is the chainerser command's (tools/cli/sha256.*).
#pragma once

#include <cstddef>
#include <string>

namespace testsupport {

// sha256 of n bytes at data, as 64 lowercase hex digits.
std::string sha256_hex(const void *data, size_t n);
inline std::string sha256_hex(const std::string &bytes) { return sha256_hex(bytes.data(), bytes.size()); }

}  // namespace testsupport
