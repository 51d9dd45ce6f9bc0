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
    // A root whose members go to `zip` (an MPI rank's own members, in a scratch file); `file` names
    // the archive in messages.
    // With `pieces_alone`, compressed members of 16 MiB or more are deflated in pieces (with a
    // piece index) also on one thread, one piece at a time, so that no more than a piece's output
    // is held in memory.
    static std::unique_ptr<NpzSerializer> create_with(std::unique_ptr<ZipWriter> zip, const std::string &file,
                                                      const WriteOptions &options, bool pieces_alone = false);

    // Root only: writes every member put so far and hands over the writer, with no central
    // directory; the handle takes no more puts.
    std::unique_ptr<ZipWriter> finish_members();

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
