// Reads Chainer's NPZ layout lazily: opening reads the zip directory, describing a key reads
// its npy header, reading a key reads that member only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/deserializer.h"

namespace chainerser::core {

class NpzDeserializer : public AbstractDeserializer {
public:
    struct Archive;  // shared by a root and its children
    NpzDeserializer(std::string path, std::shared_ptr<const LoadOptions> options, std::shared_ptr<Archive> archive);
    ~NpzDeserializer() override;
    static std::unique_ptr<AbstractDeserializer> open(const std::string &file, std::string prefix,
                                                      std::shared_ptr<const LoadOptions> options);
    const std::string &file_name() const override;

    // A pointer to `key`'s array data inside a read-only mapping of the file (stored members
    // only), valid while any handle on this archive is open. Fills `meta` with what it points at.
    const void *view(std::string_view key, ArrayMeta &meta);

protected:
    std::unique_ptr<AbstractDeserializer> make_child(std::string path) override;
    std::optional<ArrayMeta> stat_entry(const std::string &key) override;
    void read_entry(const std::string &key, const ArrayMeta &meta, void *buf) override;
    const std::vector<std::string> &all_keys() override;
    // Stored members: the block's runs copied from a mapping of the file (a block has no CRC-32
    // of its own to check); compressed ones: the member inflated whole, then the block copied out.
    void read_block(const std::string &key, const ArrayMeta &block, const std::vector<int64_t> &offset,
                    void *buf) override;

private:
    // The decoded header of `key` (stat_entry must have found it): member index and data offset.
    std::pair<uint64_t, uint64_t> located(const std::string &key);
    std::shared_ptr<Archive> archive_;
};

}  // namespace chainerser::core
