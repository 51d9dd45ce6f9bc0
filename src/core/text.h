// UTF-8 <-> UTF-32 for numpy's '<U n' strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chainerser::core {

// Decodes strict UTF-8 (no surrogates, no overlongs); returns false on invalid input.
bool utf8_to_utf32(std::string_view in, std::u32string &out);

// Encodes code points as UTF-8; returns false if one is not a Unicode scalar value.
bool utf32_to_utf8(std::u32string_view in, std::string &out);

}  // namespace chainerser::core
