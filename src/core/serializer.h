// AbstractSerializer: Chainer's Serializer (chainer/serializer.py) for writing, with the key-path
// rules applied once here and the storage left to each backend.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/array.h"

namespace chainerser::core {

class AbstractSerializer {
public:
    explicit AbstractSerializer(std::string path) : path_(std::move(path)) {}
    virtual ~AbstractSerializer() = default;
    AbstractSerializer(const AbstractSerializer &) = delete;
    AbstractSerializer &operator=(const AbstractSerializer &) = delete;

    const std::string &path() const { return path_; }

    // serializer[name]
    std::unique_ptr<AbstractSerializer> child(std::string_view name);

    // serializer(key, value): validates the value, then stores it under path + key.
    void save(std::string_view key, const ConstArrayView &value);
    void save_none(std::string_view key);

    // Root only: make the file final (atomically replacing any old one), or drop it.
    virtual void commit() = 0;
    virtual void discard() noexcept = 0;

    // A call on this handle failed with `code` (the C API reports every failed put here). A writer
    // whose file many processes share remembers it so that the commit fails on all of them.
    virtual void note_failure(int code, const std::string &message) noexcept {
        (void)code;
        (void)message;
    }

protected:
    virtual std::unique_ptr<AbstractSerializer> make_child(std::string path) = 0;
    virtual void write_entry(const std::string &key, const ConstArrayView &value) = 0;
    // Name used in messages ("model.npz").
    virtual const std::string &file_name() const = 0;

private:
    std::string path_;
};

}  // namespace chainerser::core
