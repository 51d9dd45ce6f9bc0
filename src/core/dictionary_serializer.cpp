#include "core/dictionary_serializer.h"

#include <cstring>

namespace chainerser::core {

DictionarySerializer::DictionarySerializer(std::string path, std::shared_ptr<ArrayDict> target)
    : AbstractSerializer(std::move(path)), target_(target ? std::move(target) : std::make_shared<ArrayDict>()) {}

std::unique_ptr<AbstractSerializer> DictionarySerializer::make_child(std::string path) {
    return std::make_unique<DictionarySerializer>(std::move(path), target_);
}

void DictionarySerializer::write_entry(const std::string &key, const ConstArrayView &value) {
    OwnedArray a;  // like a Python dict, a later value under the same key replaces the earlier one
    a.meta = value.meta;
    a.bytes.resize(value.nbytes);
    if (value.nbytes) std::memcpy(a.bytes.data(), value.data, value.nbytes);
    (*target_)[key] = std::move(a);
}

const std::string &DictionarySerializer::file_name() const {
    static const std::string name = "<dictionary>";
    return name;
}

}  // namespace chainerser::core
