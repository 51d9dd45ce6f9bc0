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
#include "core/options.h"

namespace chainerser::core {

// A caller's buffer: native byte order, C order unless fortran_order.
struct TargetBuffer {
    ser_dtype dtype;
    std::vector<int64_t> shape;
    void *data;
    size_t size;
    bool fortran_order = false;
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

    // The same rules for the block of `key` starting at `offset` with extent target.shape
    // (ser_h5_get_array); SER_EUNSUPPORTED where the backend cannot read blocks.
    ser_outcome load_block(std::string_view key, const std::vector<int64_t> &offset, const TargetBuffer &target);

    // Chainer's scalar rules (serializer(key, int/float/bool)): a one-element entry of a dtype
    // that converts to the target type.
    ser_outcome load_int64(std::string_view key, int64_t &out);
    ser_outcome load_float64(std::string_view key, double &out);
    ser_outcome load_bool(std::string_view key, bool &out);
    // A one-element str (<U, decoded from UTF-32) or bytes (|S) entry, trailing NULs removed.
    ser_outcome load_string(std::string_view key, std::string &out);

    // Many loads at once, on the root's workers (largest first); each request gets its own
    // status and message and none stops the others.
    struct Request {
        std::string_view key;
        TargetBuffer target{SER_FLOAT32, {}, nullptr, 0};
        ser_outcome outcome = SER_LOADED;
        int status = SER_OK;
        std::string message;
    };
    void load_many(std::vector<Request> &requests);

    // The entry as stored (for copying to another file). Strings from HDF5 arrive as <U; an HDF5
    // dataset written from a Fortran-ordered array arrives in Fortran order again.
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
    // Fills `buf` with the block of `key` at `offset` whose extent and stored type `block`
    // describes, in the stored layout. The default: SER_EUNSUPPORTED.
    virtual void read_block(const std::string &key, const ArrayMeta &block, const std::vector<int64_t> &offset, void *buf);
    // Whether the C-order entry `key` was written from an array numpy saves with fortran_order
    // True (HDF5's kFortranOrderAttribute), so that read_stored reorders it. The default: false.
    virtual bool written_fortran_order(const std::string &) { return false; }

    std::shared_ptr<const LoadOptions> shared_options() const { return options_; }

    // Checks max_entry_bytes and max_total_bytes before `bytes` of `key` are read.
    void account(const std::string &key, uint64_t bytes) const;

private:
    bool ignored(const std::string &key) const;
    ser_outcome load_into(std::string_view key, const std::vector<int64_t> *offset, const TargetBuffer &target);
    // A one-element entry in its own dtype (native order) into `value`.
    // Loads a one-element numeric entry into a 16-byte value and hands it to `use` if loaded.
    ser_outcome load_scalar(std::string_view key,
                            const std::function<void(const ArrayMeta &, const unsigned char *)> &use);
    [[noreturn]] void scalar_mismatch(std::string_view key, const ArrayMeta &meta, const char *target) const;
    std::string path_;
    std::shared_ptr<const LoadOptions> options_;
};

}  // namespace chainerser::core
