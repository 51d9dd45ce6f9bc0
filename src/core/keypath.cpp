#include "core/keypath.h"

namespace chainerser::core {

std::string child_path(std::string_view parent_path, std::string_view name) {
    size_t b = name.find_first_not_of('/');
    if (b == std::string_view::npos) return std::string(parent_path) + "/";
    size_t e = name.find_last_not_of('/');
    std::string p(parent_path);
    p.append(name.substr(b, e - b + 1));
    p += '/';
    return p;
}

std::string value_key(std::string_view path, std::string_view key) {
    size_t b = key.find_first_not_of('/');
    std::string k(path);
    if (b != std::string_view::npos) k.append(key.substr(b));
    return k;
}

bool strip_prefix(std::string_view key, std::string_view prefix, std::string_view &rest) {
    if (key.substr(0, prefix.size()) != prefix) return false;
    rest = key.substr(prefix.size());
    return true;
}

}  // namespace chainerser::core
