// The library's one exception type: a ser_error code plus a message that names file, key and cause.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "chainerser/chainerser.h"

namespace chainerser::core {

class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

[[noreturn]] inline void fail(int code, const std::string &message) { throw Error(code, message); }

// "file: key 'k': " — the prefix every per-entry message starts with.
inline std::string where(std::string_view file, std::string_view key) {
    std::string s(file);
    s += ": key '";
    s += key;
    s += "': ";
    return s;
}

}  // namespace chainerser::core
