// Writes Chainer's NPZ layout: one '<key>.npy' member per value, deflated (numpy's
// savez_compressed) or stored (savez).
#pragma once

#include <memory>
#include <string>

#include "core/backends.h"
#include "core/serializer.h"

namespace chainerser::core {

class ZipWriter;

class NpzSerializer : public AbstractSerializer {
public:
    struct Archive;  // shared by a root and its children
    NpzSerializer(std::string path, std::shared_ptr<Archive> archive);
    ~NpzSerializer() override;
    static std::unique_ptr<AbstractSerializer> create(const std::string &file, const WriteOptions &options);

    void commit() override;
    void discard() noexcept override;

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    const std::string &file_name() const override;

private:
    std::shared_ptr<Archive> archive_;
};

}  // namespace chainerser::core
