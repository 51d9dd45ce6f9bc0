#include "core/deserializer.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/convert.h"
#include "core/error.h"
#include "core/keypath.h"
#include "core/pipeline.h"
#include "core/status.h"
#include "core/text.h"

namespace chainerser::core {
namespace {

std::string shape_repr(const std::vector<int64_t> &shape) {
    ArrayMeta m;
    m.shape = shape;
    return m.shape_repr();
}

// A block [offset, offset + count) must lie inside the entry, with one extent per axis.
void check_block(const ArrayMeta &meta, const std::vector<int64_t> &offset, const std::vector<int64_t> &count,
                 const std::string &at) {
    if (offset.size() != meta.shape.size() || count.size() != meta.shape.size())
        fail(SER_EINVAL, at + "the entry has " + std::to_string(meta.shape.size()) + " dimensions, the block " +
                             std::to_string(count.size()));
    for (size_t k = 0; k < count.size(); ++k)
        if (offset[k] < 0 || count[k] < 0 || offset[k] > meta.shape[k] || count[k] > meta.shape[k] - offset[k])
            fail(SER_EINVAL, at + "block offset " + std::to_string(offset[k]) + " count " + std::to_string(count[k]) +
                                 " on axis " + std::to_string(k) + " is outside shape " + meta.shape_repr());
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
    return load_into(key, nullptr, target);
}

ser_outcome AbstractDeserializer::load_block(std::string_view key, const std::vector<int64_t> &offset,
                                             const TargetBuffer &target) {
    return load_into(key, &offset, target);
}

void AbstractDeserializer::read_block(const std::string &key, const ArrayMeta &, const std::vector<int64_t> &, void *) {
    fail(SER_EUNSUPPORTED, where(file_name(), key) + "this format has no block reads (hyperslabs need an HDF5 file)");
}

ser_outcome AbstractDeserializer::load_into(std::string_view key, const std::vector<int64_t> *offset,
                                            const TargetBuffer &target) {
    const DTypeInfo &want = dtype_info(target.dtype);
    check_shape(target.shape);
    if (want.kind == Kind::Object) fail(SER_EINVAL, "None is not a buffer dtype");
    ArrayMeta meta;
    ser_outcome outcome = resolve(key, meta);
    if (outcome != SER_LOADED) return outcome;
    const std::string k = full_key(key);
    const std::string at = where(file_name(), k);
    const DTypeInfo &have = dtype_info(meta.type.dtype);

    if (!offset && meta.shape != target.shape)
        fail(SER_EMISMATCH, at + "shape " + meta.shape_repr() + " in file, " + shape_repr(target.shape) + " requested");
    if (offset) check_block(meta, *offset, target.shape, at);
    ArrayMeta block = meta;
    block.shape = target.shape;
    bool text = have.kind == Kind::Unicode || have.kind == Kind::Bytes;
    if (text ? have.id != want.id : !can_cast(have.id, want.id, options_->cast))
        fail(SER_EMISMATCH, at + "dtype " + descr_of(meta.type) + " (" + have.name + ") in file cannot be read as " +
                                want.name + (text || options_->cast == SER_CAST_NO ? " without a cast"
                                                                                   : " under the configured cast rule"));
    const uint64_t stored = block.nbytes();
    const uint64_t wanted = text ? stored : block.count() * want.itemsize;
    if (target.size < wanted)
        fail(SER_EBUFSIZE, at + "buffer of " + std::to_string(target.size) + " bytes, " + std::to_string(wanted) + " needed");
    if (wanted && !target.data) fail(SER_EINVAL, at + "buffer is NULL");
    account(k, stored);

    auto read = [&](void *buf) {
        if (offset) read_block(k, block, *offset, buf);
        else read_entry(k, meta, buf);
    };
    const bool direct = have.id == want.id && !needs_transpose(block.shape, block.fortran_order, target.fortran_order);
    if (direct) {
        read(target.data);
        if (needs_byteswap(block.type)) byteswap_inplace(target.data, block.count(), block.type);
        return SER_LOADED;
    }
    std::vector<unsigned char> scratch(stored);
    read(scratch.data());
    convert_array(block, scratch.data(), want.id, target.fortran_order, target.data);
    return SER_LOADED;
}

ser_outcome AbstractDeserializer::load_scalar(
    std::string_view key, const std::function<void(const ArrayMeta &, const unsigned char *)> &use) {
    ArrayMeta meta;
    ser_outcome o = resolve(key, meta);
    if (o != SER_LOADED) return o;
    const DTypeInfo &d = dtype_info(meta.type.dtype);
    unsigned char value[16];
    if (meta.count() != 1 || d.itemsize == 0 || d.itemsize > sizeof value)
        fail(SER_EMISMATCH, where(file_name(), full_key(key)) + "holds dtype " + descr_of(meta.type) + " shape " +
                                meta.shape_repr() + ", not a numeric scalar");
    o = load(key, TargetBuffer{d.id, meta.shape, value, sizeof value});
    if (o == SER_LOADED) use(meta, value);
    return o;
}

void AbstractDeserializer::scalar_mismatch(std::string_view key, const ArrayMeta &meta, const char *target) const {
    fail(SER_EMISMATCH, where(file_name(), full_key(key)) + "cannot safely deserialize dtype " + descr_of(meta.type) +
                            " into " + target);
}

namespace {
template <class T>
T read_as(const unsigned char *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
}  // namespace

ser_outcome AbstractDeserializer::load_int64(std::string_view key, int64_t &out) {
    return load_scalar(key, [&](const ArrayMeta &meta, const unsigned char *v) {
        switch (meta.type.dtype) {
            case SER_BOOL: out = v[0] != 0; break;
            case SER_INT8: out = read_as<int8_t>(v); break;
            case SER_INT16: out = read_as<int16_t>(v); break;
            case SER_INT32: out = read_as<int32_t>(v); break;
            case SER_INT64: out = read_as<int64_t>(v); break;
            case SER_UINT8: out = read_as<uint8_t>(v); break;
            case SER_UINT16: out = read_as<uint16_t>(v); break;
            case SER_UINT32: out = read_as<uint32_t>(v); break;
            case SER_UINT64: {
                const uint64_t u = read_as<uint64_t>(v);
                if (u > uint64_t(std::numeric_limits<int64_t>::max())) scalar_mismatch(key, meta, "int64 (value too large)");
                out = int64_t(u);
                break;
            }
            default: scalar_mismatch(key, meta, "an int");
        }
    });
}

ser_outcome AbstractDeserializer::load_float64(std::string_view key, double &out) {
    return load_scalar(key, [&](const ArrayMeta &meta, const unsigned char *v) {
        const Kind k = dtype_info(meta.type.dtype).kind;
        if (k != Kind::Bool && k != Kind::Int && k != Kind::UInt && k != Kind::Float) scalar_mismatch(key, meta, "a float");
        cast_elements(v, meta.type.dtype, &out, SER_FLOAT64, 1);
    });
}

ser_outcome AbstractDeserializer::load_bool(std::string_view key, bool &out) {
    return load_scalar(key, [&](const ArrayMeta &meta, const unsigned char *v) {
        if (meta.type.dtype != SER_BOOL) scalar_mismatch(key, meta, "a bool");
        out = v[0] != 0;
    });
}

ser_outcome AbstractDeserializer::load_string(std::string_view key, std::string &out) {
    ArrayMeta meta;
    const ser_outcome o = resolve(key, meta);
    if (o != SER_LOADED) return o;
    const std::string at = where(file_name(), full_key(key));
    const Kind k = dtype_info(meta.type.dtype).kind;
    if ((k != Kind::Unicode && k != Kind::Bytes) || meta.count() != 1)
        fail(SER_EMISMATCH, at + "holds dtype " + descr_of(meta.type) + " shape " + meta.shape_repr() + ", not a string");
    std::vector<unsigned char> raw(meta.nbytes());
    load(key, TargetBuffer{meta.type.dtype, meta.shape, raw.data(), raw.size()});
    out.clear();
    if (k == Kind::Unicode) {
        std::u32string cps(raw.size() / 4, U'\0');
        if (!raw.empty()) std::memcpy(&cps[0], raw.data(), raw.size());
        while (!cps.empty() && cps.back() == U'\0') cps.pop_back();
        if (!utf32_to_utf8(cps, out)) fail(SER_EFORMAT, at + "string holds an invalid code point");
    } else {
        out.assign(raw.begin(), raw.end());
        while (!out.empty() && out.back() == '\0') out.pop_back();
    }
    return o;
}

void AbstractDeserializer::load_many(std::vector<Request> &requests) {
    auto run = [this, &requests](size_t i) {
        Request &q = requests[i];
        Status s = capture([&] { q.outcome = load(q.key, q.target); });
        q.status = s.code, q.message = std::move(s.message);
        return true;
    };
    ThreadPool *pool = requests.size() > 1 ? options_->workers->pool() : nullptr;
    // Largest first, so that no big member is left to run alone at the end.
    std::vector<size_t> order(requests.size());
    std::iota(order.begin(), order.end(), size_t(0));
    if (pool)
        std::stable_sort(order.begin(), order.end(),
                         [&requests](size_t a, size_t b) { return requests[a].target.size > requests[b].target.size; });
    // Jobs of about kBatchBytes each, so that thousands of small reads are not a job each (a
    // read costs at least kMinRequestCost, however small its buffer).
    constexpr uint64_t kBatchBytes = uint64_t(1) << 20, kMinRequestCost = 1024;
    std::vector<size_t> starts;
    uint64_t in_batch = kBatchBytes;
    for (size_t j = 0; j < order.size(); ++j) {
        if (in_batch >= kBatchBytes) starts.push_back(j), in_batch = 0;
        in_batch += std::max<uint64_t>(requests[order[j]].target.size, kMinRequestCost);
    }
    starts.push_back(order.size());
    run_in_order(
        pool, starts.size() - 1,
        [&](size_t b) {
            for (size_t j = starts[b]; j < starts[b + 1]; ++j) run(order[j]);
            return true;
        },
        [](size_t, bool) { return true; });
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
    if (!a.meta.fortran_order && a.meta.shape.size() > 1 && written_fortran_order(k)) {
        std::vector<unsigned char> f(n);
        c_to_fortran(a.bytes.data(), f.data(), a.meta.shape, a.meta.type.itemsize);
        a.bytes.swap(f);
        a.meta.fortran_order = true;
    }
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

}  // namespace chainerser::core
