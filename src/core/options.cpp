#include "core/options.h"

#include <cstring>
#include <limits>

#include "core/error.h"
#include "core/thread_pool.h"

namespace chainerser::core {
namespace {

constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kI32Max = uint64_t(std::numeric_limits<int32_t>::max());

#define SER_OPTION(field, def, lo, hi, since, meaning)                                                           \
    OptionSpec {                                                                                                   \
        #field, offsetof(ser_options, field), sizeof(ser_options::field),                                         \
            std::numeric_limits<decltype(ser_options::field)>::is_signed, int64_t(def), int64_t(lo), uint64_t(hi), \
            since, meaning                                                                                         \
    }

uint64_t read_unsigned(const ser_options &o, const OptionSpec &s) {
    const auto *p = reinterpret_cast<const unsigned char *>(&o) + s.offset;
    if (s.size == 4) {
        uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

int64_t read_signed(const ser_options &o, const OptionSpec &s) {
    int32_t v;  // every signed field is an int32_t
    std::memcpy(&v, reinterpret_cast<const unsigned char *>(&o) + s.offset, 4);
    return v;
}

void write_value(ser_options &o, const OptionSpec &s, int64_t value) {
    auto *p = reinterpret_cast<unsigned char *>(&o) + s.offset;
    if (s.size == 4) {
        const uint32_t v = uint32_t(value);
        std::memcpy(p, &v, 4);
    } else {
        const uint64_t v = uint64_t(value);
        std::memcpy(p, &v, 8);
    }
}

}  // namespace

const std::vector<OptionSpec> &option_table() {
    static const std::vector<OptionSpec> table = {
        SER_OPTION(compress, 1, 0, 1, 1, "writing: 1 compresses, 0 stores without compression"),
        SER_OPTION(compression_level, -1, -1, 9, 1, "writing: deflate level 0-9; -1 = the backend's default (NPZ 6, HDF5 4)"),
        SER_OPTION(threads, 0, 0, kI32Max, 1, "worker threads of the root handle for (de)compression and batched reads; 0 = one per core"),
        SER_OPTION(strict, 1, 0, 1, 1, "reading: 1 a missing key is SER_ENOTFOUND; 0 leaves the target as it is"),
        SER_OPTION(cast, SER_CAST_NO, SER_CAST_NO, SER_CAST_SAME_KIND, 1, "reading: the ser_cast rule for dtypes other than the file's"),
        SER_OPTION(max_header_bytes, 10000, 0, kU64Max, 1, "reading: largest npy header accepted (NumPy's own limit)"),
        SER_OPTION(max_entry_bytes, 0, 0, kU64Max, 1, "reading: largest decoded entry (or HDF5 chunk buffer) accepted; 0 = no limit but the file's"),
        SER_OPTION(align_data, 0, 0, 1, 2, "NPZ writing: 1 starts every stored member's data on a 64-byte file offset"),
        SER_OPTION(max_members, 1048576, 0, kU64Max, 2, "reading: most zip members accepted; 0 = no limit"),
        SER_OPTION(max_inflate_ratio, 1032, 0, kU32Max, 2, "reading: most decoded bytes a deflated member or chunk may claim per stored byte (deflate's own maximum); 0 = no limit"),
        SER_OPTION(max_total_bytes, 0, 0, kU64Max, 2, "reading: most decoded bytes one root handle and its children may read in all; 0 = no limit"),
    };
    return table;
}

#undef SER_OPTION

const std::vector<const char *> &pointer_option_names() {
    static const std::vector<const char *> names = {"path", "ignore_names", "ignore_count", "ignore_fn", "ignore_ctx"};
    return names;
}

const std::vector<FixedLimit> &fixed_limits() {
    static const std::vector<FixedLimit> limits = {
        {"max_whole_inflate_bytes", kMaxWholeInflateBytes,
         "NPZ: a deflated member up to this size is inflated whole with libdeflate from a copy of its stored bytes; a "
         "larger one without a piece index is inflated by libdeflate from a mapping of the file straight into the "
         "caller's buffer when its whole array is read (its pages handed back as it goes), else streams through "
         "zlib in bounded memory; no piece of a piece index may be larger"},
        {"max_none_pickle_bytes", kMaxNonePickleBytes,
         "NPZ: an object member larger than this is not Chainer's None and is refused unread"},
        {"max_piece_index_entries", kMaxPieceIndexEntries,
         "NPZ: most entries of one member's piece index (the writer makes pieces larger to stay within 3200, so that the piece CRC-32s fit beside the index)"},
        {"max_file_copy_bytes", kMaxFileCopyBytes,
         "NPZ: a file up to this size whose members average at most 4 KiB is read into memory whole, once, "
         "instead of with several small reads per member"},
    };
    return limits;
}

size_t options_size(uint32_t version) {
    switch (version) {
        case 1: return offsetof(ser_options, max_entry_bytes) + sizeof(uint64_t);
        case 2: return sizeof(ser_options);
        default:
            fail(SER_EINVAL, "ser_options.version " + std::to_string(version) + " is not supported (use ser_options_init)");
    }
}

ser_options default_options(uint32_t version) {
    ser_options o;
    std::memset(&o, 0, sizeof o);  // the pointer fields: NULL and 0
    o.version = version;
    for (const OptionSpec &s : option_table()) write_value(o, s, s.default_value);
    return o;
}

ser_options checked_options(const ser_options *opts) {
    ser_options o = default_options();
    if (!opts) return o;
    const size_t size = options_size(opts->version);
    std::memcpy(&o, opts, size);
    for (const OptionSpec &s : option_table()) {
        if (s.offset + s.size > size) continue;  // not in the caller's version: the default stays
        bool ok;
        if (s.is_signed) {
            const int64_t v = read_signed(o, s);
            ok = v >= s.min && (v < 0 || uint64_t(v) <= s.max);
        } else {
            ok = read_unsigned(o, s) >= uint64_t(s.min) && read_unsigned(o, s) <= s.max;
        }
        if (!ok)
            fail(SER_EINVAL, std::string("ser_options.") + s.name + " is " +
                                 (s.is_signed ? std::to_string(read_signed(o, s)) : std::to_string(read_unsigned(o, s))) +
                                 ", not in " + std::to_string(s.min) + "-" + std::to_string(s.max) + " (" + s.meaning + ")");
    }
    if (o.ignore_count != 0 && !o.ignore_names) fail(SER_EINVAL, "ser_options.ignore_names is NULL but ignore_count is not 0");
    for (size_t i = 0; i < o.ignore_count; ++i)
        if (!o.ignore_names[i]) fail(SER_EINVAL, "ser_options.ignore_names has a NULL entry");
    return o;
}

std::shared_ptr<const LoadOptions> make_load_options(const ser_options &o) {
    auto l = std::make_shared<LoadOptions>();
    l->strict = o.strict != 0;
    l->cast = ser_cast(o.cast);
    for (size_t i = 0; i < o.ignore_count; ++i) l->ignore_names.emplace_back(o.ignore_names[i]);
    if (o.ignore_fn) {
        ser_ignore_fn fn = o.ignore_fn;
        void *ctx = o.ignore_ctx;
        l->ignore_fn = [fn, ctx](const std::string &key) { return fn(key.c_str(), ctx) != 0; };
    }
    l->max_header_bytes = o.max_header_bytes;
    l->max_entry_bytes = o.max_entry_bytes;
    l->max_members = o.max_members;
    l->max_inflate_ratio = o.max_inflate_ratio;
    l->max_total_bytes = o.max_total_bytes;
    l->workers = std::make_shared<Workers>(o.threads);
    return l;
}

WriteOptions make_write_options(const ser_options &o) {
    WriteOptions w;
    w.compress = o.compress != 0;
    w.level = o.compression_level;
    w.align_data = o.align_data != 0;
    w.workers = std::make_shared<Workers>(o.threads);
    return w;
}

WriteOptions with_default_level(WriteOptions options, int default_level) {
    if (options.level == -1) options.level = default_level;
    return options;
}

}  // namespace chainerser::core
