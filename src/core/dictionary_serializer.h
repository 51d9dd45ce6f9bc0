// DictionarySerializer: chainer.serializers.DictionarySerializer, a flat key -> array map in memory.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/serializer.h"

namespace chainerser::core {

using ArrayDict = std::map<std::string, OwnedArray>;

class DictionarySerializer : public AbstractSerializer {
public:
    explicit DictionarySerializer(std::string path = "", std::shared_ptr<ArrayDict> target = nullptr);
    const ArrayDict &target() const { return *target_; }
    void commit() override {}
    void discard() noexcept override {}

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    const std::string &file_name() const override;

private:
    std::shared_ptr<ArrayDict> target_;
};

}  // namespace chainerser::core
