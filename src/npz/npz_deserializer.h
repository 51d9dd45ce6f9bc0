// Reads Chainer's NPZ layout lazily: opening reads the zip directory, describing a key reads
// its npy header, reading a key reads that member only.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/deserializer.h"

namespace chainerser {

class NpzDeserializer : public AbstractDeserializer {
public:
    struct Archive;  // shared by a root and its children
    NpzDeserializer(std::string path, std::shared_ptr<const LoadOptions> options, std::shared_ptr<Archive> archive);
    ~NpzDeserializer() override;
    static std::unique_ptr<AbstractDeserializer> open(const std::string &file, std::string prefix,
                                                      std::shared_ptr<const LoadOptions> options);
    const std::string &file_name() const override;

protected:
    std::unique_ptr<AbstractDeserializer> make_child(std::string path) override;
    std::optional<ArrayMeta> stat_entry(const std::string &key) override;
    void read_entry(const std::string &key, const ArrayMeta &meta, void *buf) override;
    const std::vector<std::string> &all_keys() override;

private:
    std::shared_ptr<Archive> archive_;
};

}  // namespace chainerser
