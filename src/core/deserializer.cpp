#include "core/deserializer.h"

#include <algorithm>

#include "core/convert.h"
#include "core/error.h"
#include "core/keypath.h"

namespace chainerser {
namespace {

std::string shape_repr(const std::vector<int64_t> &shape) {
    ArrayMeta m;
    m.shape = shape;
    return m.shape_repr();
}

}  // namespace

std::unique_ptr<AbstractDeserializer> AbstractDeserializer::child(std::string_view name) {
    return make_child(child_path(path_, name));
}

std::string AbstractDeserializer::full_key(std::string_view key) const { return value_key(path_, key); }

bool AbstractDeserializer::has(std::string_view key) { return stat_entry(full_key(key)).has_value(); }

ArrayMeta AbstractDeserializer::info(std::string_view key) {
    std::string k = full_key(key);
    std::optional<ArrayMeta> m = stat_entry(k);
    if (!m) fail(SER_ENOTFOUND, where(file_name(), k) + "not in the file");
    return *m;
}

bool AbstractDeserializer::ignored(const std::string &key) const {
    const LoadOptions &o = *options_;
    if (std::find(o.ignore_names.begin(), o.ignore_names.end(), key) != o.ignore_names.end()) return true;
    return o.ignore_fn && o.ignore_fn(key);
}

void AbstractDeserializer::account(const std::string &key, uint64_t bytes) const {
    const LoadOptions &o = *options_;
    if (o.max_entry_bytes && bytes > o.max_entry_bytes)
        fail(SER_ELIMIT, where(file_name(), key) + std::to_string(bytes) + " bytes exceed the entry limit of " +
                             std::to_string(o.max_entry_bytes));
    const uint64_t total = (*o.bytes_read += bytes);
    if (o.max_total_bytes && total > o.max_total_bytes)
        fail(SER_ELIMIT, where(file_name(), key) + "reading it passes the limit of " + std::to_string(o.max_total_bytes) +
                             " bytes read from this file");
}

ser_outcome AbstractDeserializer::resolve(std::string_view key, ArrayMeta &info_out) {
    std::string k = full_key(key);
    std::optional<ArrayMeta> m = stat_entry(k);
    // Chainer checks strictness before ignore_names (npz.py:157-174).
    if (!m && !options_->strict) return SER_SKIP_MISSING;
    if (ignored(k)) return SER_SKIP_IGNORED;
    if (!m) fail(SER_ENOTFOUND, where(file_name(), k) + "not in the file");
    if (m->is_none()) return SER_WAS_NONE;
    info_out = *m;
    return SER_LOADED;
}

ser_outcome AbstractDeserializer::load(std::string_view key, const TargetBuffer &target) {
    const DTypeInfo &want = dtype_info(target.dtype);
    check_shape(target.shape);
    if (want.kind == Kind::Object) fail(SER_EINVAL, "None is not a buffer dtype");
    ArrayMeta meta;
    ser_outcome outcome = resolve(key, meta);
    if (outcome != SER_LOADED) return outcome;
    const std::string k = full_key(key);
    const std::string at = where(file_name(), k);
    const DTypeInfo &have = dtype_info(meta.type.dtype);

    if (meta.shape != target.shape)
        fail(SER_EMISMATCH, at + "shape " + meta.shape_repr() + " in file, " + shape_repr(target.shape) + " requested");
    bool text = have.kind == Kind::Unicode || have.kind == Kind::Bytes;
    if (text ? have.id != want.id : !can_cast(have.id, want.id, options_->cast))
        fail(SER_EMISMATCH, at + "dtype " + descr_of(meta.type) + " (" + have.name + ") in file cannot be read as " +
                                want.name + (text || options_->cast == SER_CAST_NO ? " without a cast"
                                                                                   : " under the configured cast rule"));
    const uint64_t stored = meta.nbytes();
    const uint64_t wanted = text ? stored : meta.count() * want.itemsize;
    if (target.size < wanted)
        fail(SER_EBUFSIZE, at + "buffer of " + std::to_string(target.size) + " bytes, " + std::to_string(wanted) + " needed");
    if (wanted && !target.data) fail(SER_EINVAL, at + "buffer is NULL");
    account(k, stored);

    const bool direct = have.id == want.id && !(meta.fortran_order && meta.shape.size() > 1);
    if (direct) {
        read_entry(k, meta, target.data);
        if (needs_byteswap(meta.type)) byteswap_inplace(target.data, meta.count(), meta.type);
        return SER_LOADED;
    }
    std::vector<unsigned char> scratch(stored);
    read_entry(k, meta, scratch.data());
    convert_array(meta, scratch.data(), want.id, target.data);
    return SER_LOADED;
}

OwnedArray AbstractDeserializer::read_stored(std::string_view key) {
    OwnedArray a;
    a.meta = info(key);
    if (a.meta.is_none()) return a;
    const std::string k = full_key(key);
    uint64_t n = a.meta.nbytes();
    account(k, n);
    a.bytes.resize(n);
    read_entry(k, a.meta, a.bytes.data());
    return a;
}

std::vector<std::string_view> AbstractDeserializer::keys() {
    std::vector<std::string_view> out;
    for (const std::string &k : all_keys()) {
        std::string_view rest;
        // A rest starting with '/' is unreachable: a value key loses its leading '/' (path
        // 'a' and key '/b' read 'ab', not 'a/b'), so only keys a caller can read are listed.
        if (strip_prefix(k, path_, rest) && !rest.empty() && rest.front() != '/') out.emplace_back(rest);
    }
    return out;
}

}  // namespace chainerser
