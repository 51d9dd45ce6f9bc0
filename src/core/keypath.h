// Chainer's key-path rules, in one place (chainer/serializers/npz.py:58-64, :149-156).
#pragma once

#include <string>
#include <string_view>

namespace chainerser::core {

// serializer[name]: every leading and trailing '/' of name is removed, then "name/" is appended.
std::string child_path(std::string_view parent_path, std::string_view name);

// serializer(key, value): only the leading '/' characters of key are removed; path is prepended.
std::string value_key(std::string_view path, std::string_view key);

// The keys of a flat list that lie under `prefix`, with the prefix removed.
bool strip_prefix(std::string_view key, std::string_view prefix, std::string_view &rest);

}  // namespace chainerser::core
