// Writes Chainer's HDF5 layout as save_hdf5 + h5py do: one group per child, one dataset per value,
// gzip on datasets of more than one element with h5py's chunk guess.
#pragma once

#include <memory>
#include <string>

#include "core/backends.h"
#include "core/serializer.h"

namespace chainerser::core {

class Hdf5Serializer : public AbstractSerializer {
public:
    struct File;  // shared by a root and its children
    Hdf5Serializer(std::string path, std::shared_ptr<File> file);
    ~Hdf5Serializer() override;
    static std::unique_ptr<AbstractSerializer> create(const std::string &file, const WriteOptions &options);

    void commit() override;
    void discard() noexcept override;

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    const std::string &file_name() const override;

private:
    void write_dataset(const std::string &key, const ConstArrayView &value);
    std::shared_ptr<File> file_;
};

}  // namespace chainerser::core
