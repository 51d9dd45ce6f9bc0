// AbstractDeserializer: Chainer's Deserializer with load_npz's options (path, strict,
// ignore_names) and the checks of NpzDeserializer.__call__, over a backend that can describe an
// entry and hand over its stored bytes.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/array.h"

namespace chainerser {

struct LoadOptions {
    bool strict = true;
    ser_cast cast = SER_CAST_NO;
    std::vector<std::string> ignore_names;
    std::function<bool(const std::string &)> ignore_fn;
    uint64_t max_header_bytes = 10000;
    uint64_t max_entry_bytes = 0;
    uint64_t max_members = uint64_t(1) << 20;
    uint32_t max_inflate_ratio = 1032;
    uint64_t max_total_bytes = 0;
    int threads = 0;  // workers for batched reads; 0 = one per core
    // Decoded bytes read so far through the root and its children (for max_total_bytes).
    std::shared_ptr<std::atomic<uint64_t>> bytes_read = std::make_shared<std::atomic<uint64_t>>(0);
};

// A caller's buffer: native byte order, C order.
struct TargetBuffer {
    ser_dtype dtype;
    std::vector<int64_t> shape;
    void *data;
    size_t size;
};

class AbstractDeserializer {
public:
    AbstractDeserializer(std::string path, std::shared_ptr<const LoadOptions> options)
        : path_(std::move(path)), options_(std::move(options)) {}
    virtual ~AbstractDeserializer() = default;
    AbstractDeserializer(const AbstractDeserializer &) = delete;
    AbstractDeserializer &operator=(const AbstractDeserializer &) = delete;

    const std::string &path() const { return path_; }
    const LoadOptions &options() const { return *options_; }

    std::unique_ptr<AbstractDeserializer> child(std::string_view name);

    // The full key for `key` under this handle's path.
    std::string full_key(std::string_view key) const;

    bool has(std::string_view key);
    // Throws SER_ENOTFOUND naming the file and key when absent.
    ArrayMeta info(std::string_view key);

    // deserializer(key, target): Chainer's ignore/strict/None rules, then shape and dtype checks,
    // then the data converted into the buffer.
    ser_outcome load(std::string_view key, const TargetBuffer &target);

    // The entry as stored (for copying to another file). Strings from HDF5 arrive as <U.
    OwnedArray read_stored(std::string_view key);

    // Keys under this handle's path, relative to it, sorted: views of all_keys()' strings, so
    // valid while the file is open, and each ends where its string does (data() is NUL-terminated).
    std::vector<std::string_view> keys();

    // Decision shared by every typed getter: what to do with `key` before reading it.
    // Returns SER_LOADED when the caller should go on and read `info_out`.
    ser_outcome resolve(std::string_view key, ArrayMeta &info_out);

    virtual const std::string &file_name() const = 0;

protected:
    virtual std::unique_ptr<AbstractDeserializer> make_child(std::string path) = 0;
    virtual std::optional<ArrayMeta> stat_entry(const std::string &key) = 0;
    // Fills `buf` (exactly meta.nbytes() bytes) with the entry's data in its stored layout.
    virtual void read_entry(const std::string &key, const ArrayMeta &meta, void *buf) = 0;
    // Every key in the file, sorted.
    virtual const std::vector<std::string> &all_keys() = 0;

    std::shared_ptr<const LoadOptions> shared_options() const { return options_; }

    // Checks max_entry_bytes and max_total_bytes before `bytes` of `key` are read.
    void account(const std::string &key, uint64_t bytes) const;

private:
    bool ignored(const std::string &key) const;
    std::string path_;
    std::shared_ptr<const LoadOptions> options_;
};

}  // namespace chainerser
