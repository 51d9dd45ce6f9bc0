// Reads Chainer's HDF5 layout (and what h5py writes around it): every dataset is an entry keyed by
// its path from the root; groups only give the keys their prefixes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/deserializer.h"
#include "hdf5/hdf5_chunked_io.h"

namespace chainerser::core {

class Hdf5Deserializer : public AbstractDeserializer {
public:
    struct File;  // shared by a root and its children
    Hdf5Deserializer(std::string path, std::shared_ptr<const LoadOptions> options, std::shared_ptr<File> file);
    ~Hdf5Deserializer() override;
    static std::unique_ptr<AbstractDeserializer> open(const std::string &file, std::string prefix,
                                                      std::shared_ptr<const LoadOptions> options);
    const std::string &file_name() const override;

protected:
    std::unique_ptr<AbstractDeserializer> make_child(std::string path) override;
    std::optional<ArrayMeta> stat_entry(const std::string &key) override;
    void read_entry(const std::string &key, const ArrayMeta &meta, void *buf) override;
    const std::vector<std::string> &all_keys() override;
    void read_block(const std::string &key, const ArrayMeta &block, const std::vector<int64_t> &offset,
                    void *buf) override;
    bool written_fortran_order(const std::string &key) override;

private:
    // Reads `window` of `key` (all of it when window.count is empty: a scalar) into `buf` in the
    // stored layout; `slab` describes what the window holds.
    void read_window(const std::string &key, const ChunkWindow &window, const ArrayMeta &slab, void *buf,
                     const std::string &at);
    std::shared_ptr<File> file_;
};

}  // namespace chainerser::core
