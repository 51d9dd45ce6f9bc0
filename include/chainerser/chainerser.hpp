/**
 * @file chainerser.hpp
 * @brief Header-only C++17 wrapper over the C API: RAII handles, exceptions, and Chainer's
 *        serialization protocol (`Serializable::serialize(Serializer&)`, save_npz, load_npz).
 *
 * @defgroup cpp C++ wrapper
 * @{
 *
 * The same `serialize` method saves and loads, as in Chainer: inside it, `s["child"]` gives a
 * child serializer and `s("key", value)` writes the value when saving and reads it back in place
 * when loading.
 *
 * Below Chainer's protocol, a Handle offers the rest of the C API: array info, whole, block
 * (slab) and batched reads, zero-copy NPZ views, copies between files; open_npz() / create_npz()
 * take every field of ::ser_options through LoadOptions (with Limits) and WriteOptions.
 *
 * Every failure throws Error with the library's code and message. No exception crosses into the
 * C library: an ignore predicate that throws counts as "not ignored".
 */
#ifndef CHAINERSER_CHAINERSER_HPP
#define CHAINERSER_CHAINERSER_HPP

#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>
#include <chainerser/npz.h>

#include <algorithm>
#include <cassert>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/** @brief The C++ wrapper's namespace. */
namespace chainerser {

/** @brief A failed libchainerser call: the ::ser_error code and ser_errmsg()'s text. */
class Error : public std::runtime_error {
public:
    /** @brief Wraps @p code and @p message. */
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    /** @brief The ::ser_error code. */
    int code() const noexcept { return code_; }

private:
    int code_;
};

/** @brief Throws Error if @p rc is not ::SER_OK. */
inline void check(int rc) {
    if (rc != SER_OK) throw Error(rc, ser_errmsg());
}

/** @name Versions
 *  The library's runtime version, to compare with the headers' ::SER_VERSION_NUMBER. */
/**@{*/
/** @brief The runtime major version (ser_version_major()). */
inline int version_major() noexcept { return ser_version_major(); }
/** @brief The runtime minor version. */
inline int version_minor() noexcept { return ser_version_minor(); }
/** @brief The runtime patch version. */
inline int version_patch() noexcept { return ser_version_patch(); }
/** @brief The runtime version as major * 10000 + minor * 100 + patch. */
inline int version_number() noexcept { return ser_version_number(); }
/** @brief The runtime version as "major.minor.patch". */
inline std::string version_string() { return ser_version_string(); }
/** @brief ::SER_VERSION_NUMBER of the headers this program was compiled with. */
constexpr int header_version_number = SER_VERSION_NUMBER;
/**
 * @brief True if the loaded library can serve these headers: the same major version (the
 *        SONAME's) and a runtime at least as new as the headers (docs/abi-policy.md).
 */
inline bool version_compatible() noexcept {
    return ser_version_major() == SER_VERSION_MAJOR && ser_version_number() >= SER_VERSION_NUMBER;
}
/**@}*/

/**
 * @brief A numpy `float16` element: the IEEE 754 binary16 bit pattern, as stored in the file.
 *
 * Construction from float or double rounds once to nearest, ties to even (out-of-range values
 * become ±infinity) and keeps a NaN's sign and top ten payload bits, as NumPy's
 * `astype(np.float16)` does, bit for bit. Converting to float or double is exact. `==` compares
 * bit patterns (a NaN equals the same NaN, and 0 differs from -0); compare float values for IEEE
 * equality. `Tensor<float16>` reads and writes numpy `<f2` arrays.
 */
class float16 {
public:
    /** @brief +0. */
    constexpr float16() noexcept = default;
    /** @brief The nearest float16 to @p x. */
    explicit float16(float x) noexcept : bits_(round_bits(widen_bits(x))) {}
    /** @brief The nearest float16 to @p x, rounded once (not through float). */
    explicit float16(double x) noexcept : bits_(round_bits(double_bits(x))) {}
    /** @brief The float16 of bit pattern @p bits. */
    static constexpr float16 from_bits(uint16_t bits) noexcept {
        float16 h;
        h.bits_ = bits;
        return h;
    }
    /** @brief The bit pattern. */
    constexpr uint16_t bits() const noexcept { return bits_; }
    /** @brief True for a NaN. */
    constexpr bool is_nan() const noexcept { return (bits_ & 0x7c00) == 0x7c00 && (bits_ & 0x03ff) != 0; }
    /** @brief The exact float value (a NaN keeps its payload). */
    float to_float() const noexcept {
        const uint32_t sign = uint32_t(bits_ & 0x8000) << 16;
        const uint32_t exp = (bits_ >> 10) & 0x1f;
        uint32_t man = bits_ & 0x3ff;
        uint32_t b;
        if (exp == 0x1f) {
            b = sign | 0x7f800000u | (man << 13);
        } else if (exp != 0) {
            b = sign | ((exp + 112) << 23) | (man << 13);
        } else if (man == 0) {
            b = sign;
        } else {  // subnormal, man * 2^-24: move the top set bit into the implicit-one place
            uint32_t biased = 113;
            for (; !(man & 0x400); man <<= 1) --biased;
            b = sign | (biased << 23) | ((man & 0x3ff) << 13);
        }
        float f;
        std::memcpy(&f, &b, sizeof f);
        return f;
    }
    /** @brief The exact double value (a NaN keeps its payload). */
    double to_double() const noexcept {
        if (!is_nan()) return static_cast<double>(to_float());
        const uint64_t b = (uint64_t(bits_ & 0x8000) << 48) | (uint64_t(0x7ff) << 52) | (uint64_t(bits_ & 0x3ff) << 42);
        double d;
        std::memcpy(&d, &b, sizeof d);
        return d;
    }
    /** @brief to_float(). */
    explicit operator float() const noexcept { return to_float(); }
    /** @brief to_double(). */
    explicit operator double() const noexcept { return to_double(); }
    /** @brief Same bit pattern. */
    friend constexpr bool operator==(float16 a, float16 b) noexcept { return a.bits_ == b.bits_; }
    /** @brief Different bit patterns. */
    friend constexpr bool operator!=(float16 a, float16 b) noexcept { return a.bits_ != b.bits_; }

private:
    static uint64_t double_bits(double x) noexcept {
        uint64_t b;
        std::memcpy(&b, &x, sizeof b);
        return b;
    }
    // float to double bits, exact for a NaN too: the hardware conversion quiets a signalling NaN,
    // which would change its float16.
    static uint64_t widen_bits(float x) noexcept {
        if (x == x) return double_bits(static_cast<double>(x));
        uint32_t b;
        std::memcpy(&b, &x, sizeof b);
        return (uint64_t(b & 0x80000000u) << 32) | (uint64_t(0x7ff) << 52) | (uint64_t(b & 0x7fffff) << 29);
    }
    static constexpr uint16_t round_bits(uint64_t b) noexcept {
        const uint16_t sign = uint16_t((b >> 48) & 0x8000);
        const int exp = int((b >> 52) & 0x7ff);
        const uint64_t man = b & ((uint64_t(1) << 52) - 1);
        if (exp == 0x7ff) {  // infinity, or NaN: a payload that would shift out to 0 (infinity) stays 1
            const uint16_t payload = uint16_t(man >> 42);
            return uint16_t(sign | 0x7c00 | (man != 0 && payload == 0 ? 1 : payload));
        }
        const int e = exp - 1023;
        if (e > 15) return uint16_t(sign | 0x7c00);
        if (e < -25) return sign;  // below half the smallest subnormal (f64 subnormals too)
        // Normal: the biased exponent above 52 mantissa bits, of which ten are kept. Subnormal: the
        // 53-bit significand in units of 2^-24. A rounding carry runs into the exponent (the next
        // binade, the smallest normal, or infinity), which is the correctly rounded result.
        const bool normal = e >= -14;
        const uint64_t full = normal ? (uint64_t(e + 15) << 52) | man : man | (uint64_t(1) << 52);
        const unsigned dropped = normal ? 42u : unsigned(28 - e);
        uint64_t kept = full >> dropped;
        const uint64_t rest = full & ((uint64_t(1) << dropped) - 1), half = uint64_t(1) << (dropped - 1);
        if (rest > half || (rest == half && (kept & 1))) ++kept;
        return uint16_t(sign | kept);
    }

    uint16_t bits_ = 0;
};

/** @brief The ::ser_dtype of a C++ element type. */
template <class T>
constexpr ser_dtype dtype_of() {
    if constexpr (std::is_same_v<T, bool>) return SER_BOOL;
    else if constexpr (std::is_same_v<T, int8_t>) return SER_INT8;
    else if constexpr (std::is_same_v<T, int16_t>) return SER_INT16;
    else if constexpr (std::is_same_v<T, int32_t>) return SER_INT32;
    else if constexpr (std::is_same_v<T, int64_t>) return SER_INT64;
    else if constexpr (std::is_same_v<T, uint8_t>) return SER_UINT8;
    else if constexpr (std::is_same_v<T, uint16_t>) return SER_UINT16;
    else if constexpr (std::is_same_v<T, uint32_t>) return SER_UINT32;
    else if constexpr (std::is_same_v<T, uint64_t>) return SER_UINT64;
    else if constexpr (std::is_same_v<T, float16>) return SER_FLOAT16;
    else if constexpr (std::is_same_v<T, float>) return SER_FLOAT32;
    else if constexpr (std::is_same_v<T, double>) return SER_FLOAT64;
    else if constexpr (std::is_same_v<T, std::complex<float>>) return SER_COMPLEX64;
    else if constexpr (std::is_same_v<T, std::complex<double>>) return SER_COMPLEX128;
    else static_assert(sizeof(T) == 0, "no ser_dtype for this element type");
}

/** @brief numpy's name of @p dtype ("float32"); "" for an invalid value. */
inline std::string dtype_name(int32_t dtype) {
    const char *name = ser_dtype_name(dtype);
    return name ? name : "";
}

/** @brief What a file holds under a key, without its data (::ser_array_info). */
struct ArrayInfo {
    ser_dtype dtype = SER_DTYPE_INVALID;         /**< element type; ::SER_NONE for Chainer's None */
    ser_byteorder byteorder = SER_BYTEORDER_NA;  /**< byte order as stored in the file */
    ser_order order = SER_ORDER_C;               /**< memory order as stored (NPZ `fortran_order`) */
    std::vector<int64_t> shape;                  /**< NumPy's shape; empty for scalars and None */
    uint64_t itemsize = 0;                       /**< bytes per element (4n for `<U n`, n for `|S n`) */
    uint64_t count = 0;                          /**< elements (1 for 0-d, 0 for None) */
    uint64_t nbytes = 0;                         /**< count * itemsize */

    /** @brief True for Chainer's None. */
    bool is_none() const noexcept { return dtype == SER_NONE; }
    /** @brief True if the data is stored column-major. */
    bool fortran_order() const noexcept { return order == SER_ORDER_F; }
    /** @brief numpy's name of the dtype ("float32", "bool", ...). */
    std::string dtype_name() const { return chainerser::dtype_name(dtype); }

    /** @brief The C form. */
    ser_array_info to_c() const {
        ser_array_info c{};
        c.dtype = dtype;
        c.byteorder = byteorder;
        c.fortran_order = order;
        c.ndim = static_cast<int32_t>(shape.size() < SER_MAX_NDIM ? shape.size() : SER_MAX_NDIM);
        for (int32_t k = 0; k < c.ndim; ++k) c.shape[k] = shape[size_t(k)];
        c.itemsize = itemsize;
        c.count = count;
        c.nbytes = nbytes;
        return c;
    }
    /** @brief From the C form. */
    static ArrayInfo from_c(const ser_array_info &c) {
        ArrayInfo i;
        i.dtype = static_cast<ser_dtype>(c.dtype);
        i.byteorder = static_cast<ser_byteorder>(c.byteorder);
        i.order = c.fortran_order ? SER_ORDER_F : SER_ORDER_C;
        i.shape.assign(c.shape, c.shape + (c.ndim > 0 && c.ndim <= SER_MAX_NDIM ? c.ndim : 0));
        i.itemsize = c.itemsize;
        i.count = c.count;
        i.nbytes = c.nbytes;
        return i;
    }
    /** @brief numpy's descr ("<f4", ">i8", "|b1", "<U5", "|O"), as ser_descr() writes it. */
    std::string descr() const {
        const ser_array_info c = to_c();
        char buf[32];
        check(ser_descr(buf, sizeof buf, &c));
        return buf;
    }
};

/**
 * @brief An n-d array owned by the caller's object, e.g. a link's parameter.
 *
 * A default-constructed Tensor is *uninitialised* (Chainer's `Parameter` with `data is None`):
 * it is saved as None, and loading an array into it initialises it with the stored shape.
 * `Tensor<bool>` holds a `std::vector<bool>`; the wrapper converts it to and from NumPy's one
 * byte per bool (`|b1`) on every put and read.
 */
template <class T>
struct Tensor {
    std::vector<int64_t> shape;      /**< extents (NumPy's shape, in either memory order) */
    std::vector<T> data;             /**< elements, in the memory order `order` */
    bool initialized = false;        /**< false: Chainer's None */
    ser_order order = SER_ORDER_C;   /**< memory order of `data`: ::SER_ORDER_F is column-major
                                          (a Fortran array of the same extents). Saving writes NPZ
                                          `fortran_order: True` (HDF5: transposed by the library);
                                          loading fills `data` in this order whatever the file stores. */

    Tensor() = default;
    /** @brief An initialised tensor of @p shape filled with @p fill, its data in memory order @p o. */
    explicit Tensor(std::vector<int64_t> s, T fill = T(), ser_order o = SER_ORDER_C)
        : shape(std::move(s)), initialized(true), order(o) {
        size_t n = 1;
        for (int64_t d : shape) n *= static_cast<size_t>(d);
        data.assign(n, fill);
    }
};

/**
 * @brief A predicate on full keys (the open options' path included): true skips the key
 *        (::ser_options.ignore_fn). Batched reads may call it from the library's worker threads.
 */
using IgnoreFn = std::function<bool(const std::string &)>;

/** @brief The safety limits of a reader (the `max_*` fields of ::ser_options; docs/security.md). */
struct Limits {
    uint64_t max_header_bytes;   /**< largest npy header accepted */
    uint64_t max_entry_bytes;    /**< largest decoded entry (or HDF5 chunk buffer); 0 = no limit but the file's */
    uint64_t max_members;        /**< most zip members accepted; 0 = no limit */
    uint32_t max_inflate_ratio;  /**< most bytes a deflated member or chunk may claim per stored byte; 0 = no limit */
    uint64_t max_total_bytes;    /**< most decoded bytes a root handle and its children may read; 0 = no limit */

    /** @brief The library's defaults (from ser_options_init()). */
    Limits() noexcept {
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        max_header_bytes = o.max_header_bytes;
        max_entry_bytes = o.max_entry_bytes;
        max_members = o.max_members;
        max_inflate_ratio = o.max_inflate_ratio;
        max_total_bytes = o.max_total_bytes;
    }
};

/**
 * @brief Options for reading: Chainer's load_npz `path`, `strict`, `ignore_names`, plus the
 *        library's cast rule, threads and limits. Opening checks each value's range
 *        (::SER_EINVAL naming the field).
 */
struct LoadOptions {
    std::string path;                                    /**< raw key prefix; must end with '/' */
    bool strict = true;                                  /**< false: missing keys keep their values */
    std::vector<std::string> ignore_names;               /**< full keys to skip */
    IgnoreFn ignore;                                     /**< predicate on full keys; must be thread-safe.
                                                              If it throws, the key is not ignored. */
    ser_cast cast = SER_CAST_SAME_KIND;                  /**< Chainer's numpy.copyto rule by default */
    int32_t threads = 0;                                 /**< worker threads for decompression and
                                                              batched reads; 0 = one per core */
    Limits limits;                                       /**< safety limits; the library's defaults */
};

/** @brief Options for writing (::ser_options' writing fields). */
struct WriteOptions {
    bool compress = true;           /**< deflate (NumPy's savez_compressed, h5py gzip); false stores */
    int32_t compression_level = -1; /**< deflate level 0-9; -1 = the backend's default (NPZ 6, HDF5 4) */
    int32_t threads = 0;            /**< worker threads for compression; 0 = one per core */
    bool align_data = false;        /**< NPZ: start every stored member's data on a 64-byte file
                                         offset, so that views are aligned */
};

namespace detail {

template <class T>
inline constexpr bool is_bool_v = std::is_same_v<T, bool>;

inline std::string at_key(const std::string &key) { return "key '" + key + "': "; }

inline int32_t ndim_of(const std::vector<int64_t> &shape, const std::string &key) {
    if (shape.size() > SER_MAX_NDIM) throw Error(SER_EINVAL, at_key(key) + "more than 32 dimensions");
    return static_cast<int32_t>(shape.size());
}

inline ser_byteorder native_byteorder() noexcept {
    const uint16_t one = 1;
    unsigned char first;
    std::memcpy(&first, &one, 1);
    return first ? SER_LITTLE : SER_BIG;
}

inline int ignore_trampoline(const char *key, void *ctx) noexcept {
    try {
        return (*static_cast<const IgnoreFn *>(ctx))(key) ? 1 : 0;
    } catch (...) {  // nothing may unwind into the library: the key is not ignored
        return 0;
    }
}

// BEGIN ser_options mirror: tests/options/options_table_check.py checks that the two classes
// below set every field of ser_options (after version) from LoadOptions and WriteOptions.

// The C form of LoadOptions, valid while it and the LoadOptions live; keep() must outlive every
// handle opened with it, as the library calls the predicate during reads.
class CLoadOptions {
public:
    explicit CLoadOptions(const LoadOptions &o) {
        ser_options_init(&raw, SER_OPTIONS_VERSION);
        raw.strict = o.strict ? 1 : 0;
        raw.cast = o.cast;
        raw.path = o.path.c_str();
        for (const std::string &n : o.ignore_names) names_.push_back(n.c_str());
        raw.ignore_names = names_.empty() ? nullptr : names_.data();
        raw.ignore_count = names_.size();
        if (o.ignore) {
            predicate_ = std::make_shared<const IgnoreFn>(o.ignore);
            raw.ignore_fn = &ignore_trampoline;
            raw.ignore_ctx = const_cast<IgnoreFn *>(predicate_.get());
        }
        raw.threads = o.threads;
        raw.max_header_bytes = o.limits.max_header_bytes;
        raw.max_entry_bytes = o.limits.max_entry_bytes;
        raw.max_members = o.limits.max_members;
        raw.max_inflate_ratio = o.limits.max_inflate_ratio;
        raw.max_total_bytes = o.limits.max_total_bytes;
    }
    CLoadOptions(const CLoadOptions &) = delete;
    CLoadOptions &operator=(const CLoadOptions &) = delete;
    std::shared_ptr<const void> keep() const { return predicate_; }

    ser_options raw;

private:
    std::vector<const char *> names_;
    std::shared_ptr<const IgnoreFn> predicate_;
};

inline ser_options write_c_options(const WriteOptions &o) {
    ser_options raw;
    ser_options_init(&raw, SER_OPTIONS_VERSION);
    raw.compress = o.compress ? 1 : 0;
    raw.compression_level = o.compression_level;
    raw.threads = o.threads;
    raw.align_data = o.align_data ? 1 : 0;
    return raw;
}

// END ser_options mirror

// Hands a tensor's elements to a put: its own bytes, or one byte per bool for std::vector<bool>.
template <class T, class Put>
void with_bytes(const std::vector<T> &v, Put &&put) {
    if constexpr (is_bool_v<T>) {
        const std::vector<unsigned char> bytes(v.begin(), v.end());
        put(static_cast<const void *>(bytes.data()), bytes.size());
    } else {
        put(static_cast<const void *>(v.data()), v.size() * sizeof(T));
    }
}

// What ser_put_array_ex() needs of an array in native byte order and C order.
inline ser_array_info put_info(ser_dtype dtype, const std::vector<int64_t> &shape, const std::string &key) {
    ser_array_info info{};
    info.dtype = dtype;
    info.byteorder = SER_BYTEORDER_NA;  // native
    info.ndim = ndim_of(shape, key);
    for (size_t k = 0; k < shape.size(); ++k) info.shape[k] = shape[k];
    return info;
}

template <class T>
void put_tensor(ser_handle *h, const std::string &key, const Tensor<T> &t) {
    if (!t.initialized) {
        check(ser_put_none(h, key.c_str()));
        return;
    }
    ser_array_info info = put_info(dtype_of<T>(), t.shape, key);
    info.fortran_order = t.order;
    with_bytes(t.data, [&](const void *p, size_t n) { check(ser_put_array_ex(h, key.c_str(), &info, p, n)); });
}

// An array of the stored shape for an uninitialised target, or an uninitialised tensor when the
// file has no array there (missing, None, unreadable: the read itself then reports what it is).
template <class T>
Tensor<T> sized_from_file(ser_handle *h, const std::string &key, ser_order order) {
    int present = 0;
    check(ser_has(&present, h, key.c_str()));
    ser_array_info info;
    if (!present || ser_get_info(&info, h, key.c_str()) != SER_OK || info.dtype == SER_NONE) return Tensor<T>();
    return Tensor<T>(std::vector<int64_t>(info.shape, info.shape + info.ndim), T(), order);
}

// One read into a Tensor with Chainer's rules: an initialised target must have the stored shape;
// an uninitialised one takes it. Nothing changes unless finish() sees SER_LOADED. Not movable:
// the library is handed pointers into it.
template <class T>
class TensorRead {
public:
    TensorRead(ser_handle *h, const std::string &key, Tensor<T> &target) : target_(&target), key_(key) {
        if (!target.initialized) {
            staging_ = sized_from_file<T>(h, key, target.order);
            staged_ = true;
        }
        if constexpr (is_bool_v<T>) bytes_.resize(dst().data.size());
    }
    TensorRead(const TensorRead &) = delete;
    TensorRead &operator=(const TensorRead &) = delete;

    int32_t ndim() const { return dst().initialized ? ndim_of(dst().shape, key_) : 0; }
    const int64_t *shape() const noexcept { return dst().shape.data(); }
    ser_order order() const noexcept { return target_->order; }
    void *buf() noexcept {
        if constexpr (is_bool_v<T>) return bytes_.data();
        else return dst().data.data();
    }
    size_t bufsize() const noexcept {
        if constexpr (is_bool_v<T>) return bytes_.size();
        else return dst().data.size() * sizeof(T);
    }
    ser_get_request request() {
        ser_get_request q{};
        q.key = key_.c_str();
        q.dtype = dtype_of<T>();
        q.ndim = ndim();
        q.shape = shape();
        q.buf = buf();
        q.bufsize = bufsize();
        return q;
    }
    void finish(int32_t outcome) {
        if (outcome != SER_LOADED) return;
        if constexpr (is_bool_v<T>)
            for (size_t i = 0; i < bytes_.size(); ++i) dst().data[i] = bytes_[i] != 0;
        if (staged_) *target_ = std::move(staging_);
    }

private:
    Tensor<T> &dst() noexcept { return staged_ ? staging_ : *target_; }
    const Tensor<T> &dst() const noexcept { return staged_ ? staging_ : *target_; }

    Tensor<T> *target_;
    std::string key_;
    Tensor<T> staging_;
    bool staged_ = false;
    std::vector<unsigned char> bytes_;  // Tensor<bool> only: NumPy's one byte per bool
};

template <class T>
ser_outcome get_tensor(ser_handle *h, const std::string &key, Tensor<T> &t) {
    TensorRead<T> read(h, key, t);
    int32_t outcome = SER_LOADED;
    check(ser_get_array_ex(&outcome, h, key.c_str(), dtype_of<T>(), read.ndim(), read.shape(), read.order(), read.buf(),
                           read.bufsize()));
    read.finish(outcome);
    return static_cast<ser_outcome>(outcome);
}

// Appends the code points of UTF-8 @p s to @p out; false for invalid UTF-8 (a bad or truncated
// sequence, an overlong form, a surrogate, beyond U+10FFFF).
inline bool utf8_decode(const std::string &s, std::u32string &out) {
    for (size_t i = 0; i < s.size();) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
        if (len == 0 || len > s.size() - i) return false;
        char32_t cp = len == 1 ? lead : lead & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (next & 0x3f);
        }
        const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[len] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
        out.push_back(cp);
        i += len;
    }
    return true;
}

// Appends @p cp as UTF-8; false if it is not a Unicode scalar value.
inline bool utf8_append(char32_t cp, std::string &out) {
    if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
    if (cp < 0x80) {
        out += char(cp);
        return true;
    }
    const int tail = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
    out += char(((0xff00 >> (tail + 1)) & 0xff) | (cp >> (6 * tail)));
    for (int k = tail - 1; k >= 0; --k) out += char(0x80 | ((cp >> (6 * k)) & 0x3f));
    return true;
}

// Writes a <U n (units char32_t) or |S n (units char) array of width units per element.
template <class U>
void put_text(ser_handle *h, const std::string &key, ser_dtype dtype, const std::vector<int64_t> &shape, size_t width,
              const std::basic_string<U> &units) {
    ser_array_info info = put_info(dtype, shape, key);
    if (dtype == SER_UNICODE) info.byteorder = native_byteorder();
    info.itemsize = width * sizeof(U);
    check(ser_put_array_ex(h, key.c_str(), &info, units.data(), units.size() * sizeof(U)));
}

// Reads a string entry with its stored shape, every element without its trailing NULs (as NumPy
// strips them); an uninitialised tensor for None or an outcome other than SER_LOADED.
template <class U>
Tensor<std::basic_string<U>> get_text(ser_handle *h, const std::string &key, ser_dtype dtype) {
    ser_array_info info;
    check(ser_get_info(&info, h, key.c_str()));
    if (info.dtype == SER_NONE) return {};
    // Sized from the stored entry: if its dtype is another, the library says so (naming the key)
    // before it looks at the buffer.
    std::basic_string<U> units(static_cast<size_t>(info.nbytes / sizeof(U)), U(0));
    int32_t outcome = SER_LOADED;
    check(ser_get_array(&outcome, h, key.c_str(), dtype, info.ndim, info.shape, &units[0], units.size() * sizeof(U)));
    if (outcome != SER_LOADED) return {};
    Tensor<std::basic_string<U>> t(std::vector<int64_t>(info.shape, info.shape + info.ndim));
    const size_t width = static_cast<size_t>(info.itemsize / sizeof(U));
    for (size_t i = 0; i < t.data.size(); ++i) {
        std::basic_string<U> element = units.substr(i * width, width);
        element.erase(element.find_last_not_of(U(0)) + 1);
        t.data[i] = std::move(element);
    }
    return t;
}

// A read of a batch, whatever its element type.
class BatchSlot {
public:
    virtual ~BatchSlot() = default;
    virtual ser_order order() const noexcept = 0;
    // Prepares the read (asking the file for an uninitialised target's shape) and describes it.
    virtual ser_get_request prepare(ser_handle *h, const std::string &key) = 0;
    virtual void finish(int32_t outcome) = 0;
};

template <class T>
class TensorSlot final : public BatchSlot {
public:
    explicit TensorSlot(Tensor<T> &target) : target_(&target) {}
    ser_order order() const noexcept override { return target_->order; }
    ser_get_request prepare(ser_handle *h, const std::string &key) override {
        read_.emplace(h, key, *target_);
        return read_->request();
    }
    void finish(int32_t outcome) override {
        read_->finish(outcome);
        read_.reset();
    }

private:
    Tensor<T> *target_;
    std::optional<TensorRead<T>> read_;
};

}  // namespace detail

/** @brief How one read of a ReadBatch went. */
struct ReadResult {
    int status = SER_OK;               /**< ::SER_OK or the read's ::ser_error code */
    ser_outcome outcome = SER_LOADED;  /**< what the read did, when status is ::SER_OK */
    std::string message;               /**< the error: the library's message for the first failed
                                            read of a batch, "key '...': " and the code's text for
                                            later ones; "" on success */
    /** @brief True if the read succeeded (whatever its outcome). */
    bool ok() const noexcept { return status == SER_OK; }
};

/**
 * @brief Many reads performed by one Handle::get_arrays() call (ser_get_arrays()), decompressed
 *        in parallel on LoadOptions::threads workers.
 *
 * Each read fills a caller's Tensor with Chainer's rules: an initialised tensor keeps its shape,
 * which must be the stored one, and its memory order; an uninitialised one is allocated by the
 * wrapper with the stored shape. The tensors must outlive the batch's run.
 */
class ReadBatch {
public:
    ReadBatch() = default;
    ReadBatch(ReadBatch &&) = default;             /**< @brief Moves the reads. */
    ReadBatch &operator=(ReadBatch &&) = default;  /**< @brief Moves the reads. */

    /** @brief Adds a read of @p key into @p target; returns its index. */
    template <class T>
    size_t add(const std::string &key, Tensor<T> &target) {
        entries_.push_back(Entry{key, std::make_unique<detail::TensorSlot<T>>(target), ReadResult{}});
        return entries_.size() - 1;
    }
    /** @brief Number of reads. */
    size_t size() const noexcept { return entries_.size(); }
    /** @brief The key of read @p i. */
    const std::string &key(size_t i) const { return entries_.at(i).key; }
    /** @brief The result of read @p i after Handle::get_arrays(). */
    const ReadResult &result(size_t i) const { return entries_.at(i).result; }

private:
    friend class Handle;
    struct Entry {
        std::string key;
        std::unique_ptr<detail::BatchSlot> slot;
        ReadResult result;
    };
    std::vector<Entry> entries_;
};

/**
 * @brief A read-only, non-owning view of an array stored in an NPZ file (ser_npz_view()), without
 *        copying: the elements as stored, in the memory order order().
 *
 * The view is valid while the Handle it came from is open: closing, resetting or destroying that
 * Handle ends it (moving the Handle does not). valid() says whether it still is; at() checks it
 * (and the index) always and throws Error; data(), operator[] and the iterators check it only in
 * debug builds (assert). Handle::view() cannot be called on a temporary Handle.
 */
template <class T>
class ArrayView {
public:
    ArrayView() = default;
    /** @brief False once the Handle the view came from was closed (or for an empty view). */
    bool valid() const noexcept { return !alive_.expired(); }
    /** @brief The first element; the view must be valid(). */
    const T *data() const noexcept {
        assert((size_ == 0 || valid()) && "chainerser::ArrayView used after its Handle was closed");
        return data_;
    }
    /** @brief Number of elements (bytes for a ByteView). */
    size_t size() const noexcept { return size_; }
    /** @brief True if the view has no elements. */
    bool empty() const noexcept { return size_ == 0; }
    /** @brief Element @p i; the view must be valid() and @p i in range. */
    const T &operator[](size_t i) const noexcept {
        assert(i < size_);
        return data()[i];
    }
    /** @brief Element @p i; throws Error (::SER_EINVAL) if the view is no longer valid or @p i is out of range. */
    const T &at(size_t i) const {
        if (!valid()) throw Error(SER_EINVAL, "view of " + detail::at_key(key_) + "its Handle was closed");
        if (i >= size_) {
            throw Error(SER_EINVAL, "view of " + detail::at_key(key_) + "index " + std::to_string(i) + " out of range (" +
                                        std::to_string(size_) + " elements)");
        }
        return data_[i];
    }
    /** @brief Iterator to the first element. */
    const T *begin() const noexcept { return data(); }
    /** @brief Iterator past the last element. */
    const T *end() const noexcept { return data() + size_; }
    /** @brief NumPy's shape of the stored array. */
    const std::vector<int64_t> &shape() const noexcept { return info_.shape; }
    /** @brief Memory order of the elements as stored. */
    ser_order order() const noexcept { return info_.order; }
    /** @brief Everything about the stored bytes (dtype, byte order, order, shape). */
    const ArrayInfo &info() const noexcept { return info_; }
    /** @brief The key the view shows (under its Handle's path). */
    const std::string &key() const noexcept { return key_; }

private:
    friend class Handle;
    ArrayView(const T *data, size_t size, ArrayInfo info, std::string key, std::weak_ptr<const void> alive)
        : data_(data), size_(size), info_(std::move(info)), key_(std::move(key)), alive_(std::move(alive)) {}

    const T *data_ = nullptr;
    size_t size_ = 0;
    ArrayInfo info_;
    std::string key_;
    std::weak_ptr<const void> alive_;  // expires when the Handle releases its ser_handle
};

/** @brief A view of a stored member's raw bytes, any dtype and byte order (Handle::view_bytes()). */
using ByteView = ArrayView<std::byte>;

/**
 * @brief Owns a ::ser_handle. Closing a root writer commits the file.
 *
 * Besides ownership it offers the C API's generic calls (children, keys, info, puts, whole,
 * block and batched reads, copies) and the NPZ views. Like the ::ser_handle it owns, a Handle
 * must not be used by two threads at once.
 */
class Handle {
public:
    Handle() = default;
    /** @brief Takes ownership of @p h. */
    explicit Handle(ser_handle *h) : h_(h) {}
    /** @brief Takes ownership of @p h and keeps @p keep (what the library calls back) while it is open. */
    Handle(ser_handle *h, std::shared_ptr<const void> keep) : h_(h), keep_(std::move(keep)) {}
    /** @brief Moves ownership (views of @p o stay valid). */
    Handle(Handle &&o) noexcept
        : h_(std::exchange(o.h_, nullptr)), keep_(std::move(o.keep_)), alive_(std::move(o.alive_)) {}
    /** @brief Moves ownership; a handle already held is discarded. */
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, nullptr);
            keep_ = std::move(o.keep_);
            alive_ = std::move(o.alive_);
        }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    /** @brief Best effort: a root writer that was never closed is discarded, not committed. */
    ~Handle() { reset(); }

    /** @brief Commits (root writers) and releases; throws Error if the commit fails. */
    void close() {
        if (!h_) return;
        alive_.reset();
        const int rc = ser_close(std::exchange(h_, nullptr));
        const std::string message = rc == SER_OK ? std::string() : std::string(ser_errmsg());
        keep_.reset();
        if (rc != SER_OK) throw Error(rc, message);
    }
    /** @brief Releases without committing; any old file stays as it was. */
    void reset() noexcept {
        alive_.reset();
        ser_discard(std::exchange(h_, nullptr));
        keep_.reset();
    }
    /** @brief The raw handle (still owned). */
    ser_handle *get() const noexcept { return h_; }
    /** @brief True while a ::ser_handle is held. */
    explicit operator bool() const noexcept { return h_ != nullptr; }

    /** @name Keys and children */
    /**@{*/
    /** @brief `serializer[name]`: a handle on the sub-path @p name (ser_child()). */
    Handle child(const std::string &name) {
        ser_handle *c = nullptr;
        check(ser_child(&c, h_, name.c_str()));
        return Handle(c, keep_);
    }
    /** @brief The key prefix ("" for a root, "a/b/" for a child). */
    std::string path() const {
        const char *p = nullptr;
        check(ser_get_path(&p, h_));
        return p;
    }
    /** @brief True if the file holds @p key. */
    bool has(const std::string &key) {
        int present = 0;
        check(ser_has(&present, h_, key.c_str()));
        return present != 0;
    }
    /** @brief The keys under the handle's path, relative to it, sorted. */
    std::vector<std::string> keys() {
        size_t n = 0;
        check(ser_key_count(&n, h_));
        std::vector<std::string> out;
        out.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            const char *k = nullptr;
            check(ser_key_at(&k, h_, i));
            out.emplace_back(k);
        }
        return out;
    }
    /** @brief Describes @p key without reading its data (ser_get_info()). */
    ArrayInfo info(const std::string &key) {
        ser_array_info c;
        check(ser_get_info(&c, h_, key.c_str()));
        return ArrayInfo::from_c(c);
    }
    /**@}*/

    /** @name Writing */
    /**@{*/
    /** @brief Writes @p t under @p key in its memory order (None when uninitialised). */
    template <class T>
    void put(const std::string &key, const Tensor<T> &t) {
        detail::put_tensor(h_, key, t);
    }
    /** @brief Writes Chainer's None under @p key. */
    void put_none(const std::string &key) { check(ser_put_none(h_, key.c_str())); }
    /**
     * @brief Writes a numpy `<U n` array of @p shape (C order) from UTF-8 strings: n is the most
     *        code points of any element, at least 1, as `numpy.array(list_of_str)` makes it.
     *
     * Invalid UTF-8 is ::SER_EINVAL naming the element. HDF5 stores variable-length UTF-8 strings
     * (as h5py does) with the numpy dtype in the attribute `chainerser_numpy_dtype`; an array with
     * a string holding a NUL is stored as fixed-length UTF-8 (docs/on-disk-layout.md).
     */
    void put_strings(const std::string &key, const std::vector<int64_t> &shape, const std::vector<std::string> &data) {
        std::vector<std::u32string> decoded(data.size());
        size_t width = 1;
        for (size_t i = 0; i < data.size(); ++i) {
            if (!detail::utf8_decode(data[i], decoded[i]))
                throw Error(SER_EINVAL, detail::at_key(key) + "element " + std::to_string(i) + " is not valid UTF-8");
            width = std::max(width, decoded[i].size());
        }
        std::u32string units(width * data.size(), U'\0');
        for (size_t i = 0; i < decoded.size(); ++i) units.replace(i * width, decoded[i].size(), decoded[i]);
        detail::put_text(h_, key, SER_UNICODE, shape, width, units);
    }
    /** @brief Writes a numpy `|S n` array of @p shape (C order): n is the longest element's size, at least 1. */
    void put_byte_strings(const std::string &key, const std::vector<int64_t> &shape, const std::vector<std::string> &data) {
        size_t width = 1;
        for (const std::string &b : data) width = std::max(width, b.size());
        std::string units(width * data.size(), '\0');
        for (size_t i = 0; i < data.size(); ++i) units.replace(i * width, data[i].size(), data[i]);
        detail::put_text(h_, key, SER_BYTES, shape, width, units);
    }
    /** @brief Writes a Python `bytes` value: a 0-d `|S n` (empty is `|S1`, as `numpy.asarray(b'')`). */
    void put_bytes(const std::string &key, std::string_view bytes) {
        check(ser_put_bytes(h_, key.c_str(), bytes.data(), bytes.size()));
    }
    /**@}*/

    /** @name Reading */
    /**@{*/
    /**
     * @brief Reads @p key into @p t with Chainer's rules (ser_get_array_ex()): an initialised
     *        tensor must have the stored shape and is filled in its memory order; an uninitialised
     *        one takes the stored shape. Outcomes other than ::SER_LOADED leave @p t as it was.
     */
    template <class T>
    ser_outcome get_into(const std::string &key, Tensor<T> &t) {
        return detail::get_tensor(h_, key, t);
    }
    /** @brief Reads @p key as a new tensor in memory order @p order; uninitialised unless loaded. */
    template <class T>
    Tensor<T> get(const std::string &key, ser_order order = SER_ORDER_C) {
        Tensor<T> t;
        t.order = order;
        get_into(key, t);
        return t;
    }

    /**
     * @brief Reads a `<U n` array (or an HDF5 string dataset) with its stored shape, in C order,
     *        one UTF-8 string per element without its trailing NULs; uninitialised for None or a
     *        skipped key. Any other dtype is ::SER_EMISMATCH; a stored code point that is no
     *        Unicode scalar value ::SER_EFORMAT.
     */
    Tensor<std::string> get_strings(const std::string &key) {
        Tensor<std::u32string> units = detail::get_text<char32_t>(h_, key, SER_UNICODE);
        Tensor<std::string> t;
        if (!units.initialized) return t;
        t = Tensor<std::string>(units.shape);
        for (size_t i = 0; i < units.data.size(); ++i) {
            for (char32_t cp : units.data[i]) {
                if (detail::utf8_append(cp, t.data[i])) continue;
                char hex[16];
                std::snprintf(hex, sizeof hex, "%#lx", static_cast<unsigned long>(cp));
                throw Error(SER_EFORMAT, detail::at_key(key) + "element " + std::to_string(i) + " holds " + hex +
                                             ", not a Unicode scalar value");
            }
        }
        return t;
    }
    /**
     * @brief Reads a `|S n` array with its stored shape, in C order, one byte string per element
     *        without its trailing NULs; uninitialised for None or a skipped key. Any other dtype is
     *        ::SER_EMISMATCH.
     */
    Tensor<std::string> get_byte_strings(const std::string &key) { return detail::get_text<char>(h_, key, SER_BYTES); }
    /**
     * @brief Reads a Python `bytes` value (a 0-d or one-element `|S n`), trailing NULs removed as
     *        NumPy does; empty for None or a skipped key. Any other dtype or element count is
     *        ::SER_EMISMATCH.
     */
    std::optional<std::string> get_bytes(const std::string &key) {
        Tensor<std::string> t = get_byte_strings(key);
        if (!t.initialized) return std::nullopt;
        if (t.data.size() != 1) {
            throw Error(SER_EMISMATCH, detail::at_key(key) + std::to_string(t.data.size()) +
                                           " elements, not one bytes value");
        }
        return std::move(t.data[0]);
    }

    /**
     * @brief Reads the block of @p key starting at @p offset, of extents `block.shape`, into
     *        @p block in its memory order (ser_get_array_slab_ex(), NPZ or HDF5). @p block must be
     *        initialised; outcomes other than ::SER_LOADED leave it as it was.
     */
    template <class T>
    ser_outcome get_slab_into(const std::string &key, const std::vector<int64_t> &offset, Tensor<T> &block) {
        return read_block(key, offset, block, [&](int32_t *oc, detail::TensorRead<T> &r) {
            return ser_get_array_slab_ex(oc, h_, key.c_str(), dtype_of<T>(), r.ndim(), offset.data(), r.shape(),
                                         r.order(), r.buf(), r.bufsize());
        });
    }
    /** @brief The block (@p offset, @p count) of @p key as a new tensor; uninitialised unless loaded. */
    template <class T>
    Tensor<T> get_slab(const std::string &key, const std::vector<int64_t> &offset, const std::vector<int64_t> &count,
                       ser_order order = SER_ORDER_C) {
        Tensor<T> block(count, T(), order);
        if (get_slab_into(key, offset, block) != SER_LOADED) return Tensor<T>();
        return block;
    }
    /**
     * @brief get_slab_into() through the HDF5 hyperslab read ser_h5_get_array(): only for HDF5
     *        handles (an NPZ handle is ::SER_EINVAL), and @p block in C order.
     */
    template <class T>
    ser_outcome get_h5_slab_into(const std::string &key, const std::vector<int64_t> &offset, Tensor<T> &block) {
        if (block.order != SER_ORDER_C)
            throw Error(SER_EINVAL, detail::at_key(key) + "ser_h5_get_array fills C order only; use get_slab_into");
        return read_block(key, offset, block, [&](int32_t *oc, detail::TensorRead<T> &r) {
            return ser_h5_get_array(oc, h_, key.c_str(), dtype_of<T>(), r.ndim(), offset.data(), r.shape(), r.buf(),
                                    r.bufsize());
        });
    }
    /** @brief The hyperslab (@p offset, @p count) of an HDF5 dataset as a new C-order tensor. */
    template <class T>
    Tensor<T> get_h5_slab(const std::string &key, const std::vector<int64_t> &offset, const std::vector<int64_t> &count) {
        Tensor<T> block(count);
        if (get_h5_slab_into(key, offset, block) != SER_LOADED) return Tensor<T>();
        return block;
    }

    /**
     * @brief Performs every read of @p batch (ser_get_arrays(), ser_get_arrays_ex() for its
     *        column-major tensors), each with its own ReadResult. Every read is attempted and every
     *        successful one fills its tensor; then the first failed read (in the batch's order),
     *        if any, is thrown as Error.
     */
    void get_arrays(ReadBatch &batch) {
        auto &entries = batch.entries_;
        std::vector<ser_get_request> requests;
        requests.reserve(entries.size());
        for (auto &e : entries) {
            e.result = ReadResult{};
            requests.push_back(e.slot->prepare(h_, e.key));
        }
        // One C call per memory order; each reports its own first failure.
        std::vector<std::string> messages(entries.size());
        for (ser_order order : {SER_ORDER_C, SER_ORDER_F}) {
            std::vector<size_t> index;
            std::vector<ser_get_request> group;
            for (size_t i = 0; i < entries.size(); ++i)
                if (entries[i].slot->order() == order) index.push_back(i), group.push_back(requests[i]);
            if (group.empty()) continue;
            const int rc = order == SER_ORDER_C ? ser_get_arrays(h_, group.data(), group.size())
                                                : ser_get_arrays_ex(h_, group.data(), group.size(), order);
            const std::string first_message = ser_errmsg();
            bool first = true;
            for (size_t k = 0; k < index.size(); ++k) {
                requests[index[k]] = group[k];
                if (group[k].status != SER_OK && rc != SER_OK && first) {
                    messages[index[k]] = first_message;
                    first = false;
                }
            }
        }
        const ReadResult *failed = nullptr;
        for (size_t i = 0; i < entries.size(); ++i) {
            ReadResult &r = entries[i].result;
            r.status = requests[i].status;
            if (r.ok()) {
                r.outcome = static_cast<ser_outcome>(requests[i].outcome);
                entries[i].slot->finish(requests[i].outcome);
                continue;
            }
            entries[i].slot->finish(-1);  // not loaded: only releases the staging
            r.message = messages[i].empty() ? detail::at_key(entries[i].key) + ser_strerror(r.status) : messages[i];
            if (!failed) failed = &r;
        }
        if (failed) throw Error(failed->status, failed->message);
    }
    /**@}*/

    /** @name NPZ views */
    /**@{*/
    /**
     * @brief The elements of @p key inside the file's read-only mapping, without copying
     *        (ser_npz_view()); valid while this Handle is open (see ArrayView).
     *
     * Only NPZ members stored without compression can be viewed (a compressed one is
     * ::SER_EUNSUPPORTED, None ::SER_EMISMATCH, an HDF5 handle ::SER_EINVAL). The stored dtype must
     * be @p T's, in the host's byte order, at an address aligned for @p T (write with
     * WriteOptions::align_data to be sure); otherwise ::SER_EMISMATCH naming the key. Bools are
     * viewed with view_bytes(), since a stored byte other than 0 or 1 is no valid `bool`.
     */
    template <class T>
    ArrayView<T> view(const std::string &key) & {
        static_assert(!detail::is_bool_v<T>, "view bool members with view_bytes()");
        constexpr ser_dtype want = dtype_of<T>();
        const void *p = nullptr;
        ArrayInfo info = npz_view(key, &p);
        std::string problem;
        if (info.dtype != want)
            problem = "dtype " + info.descr() + " (" + info.dtype_name() + "), not " + dtype_name(want);
        else if (info.byteorder != SER_BYTEORDER_NA && info.byteorder != detail::native_byteorder())
            problem = "byte order " + info.descr() + ", not the host's";
        else if (reinterpret_cast<uintptr_t>(p) % alignof(T) != 0)
            problem = "data not aligned for " + dtype_name(want) + " (write with align_data)";
        if (!problem.empty()) throw Error(SER_EMISMATCH, "view of " + detail::at_key(key) + "the file stores " + problem);
        const size_t n = static_cast<size_t>(info.count);
        return ArrayView<T>(static_cast<const T *>(p), n, std::move(info), key, alive());
    }
    /** @brief A view of a temporary Handle would dangle at once. */
    template <class T>
    ArrayView<T> view(const std::string &key) && = delete;
    /** @brief The raw stored bytes of @p key (any dtype and byte order), as view() otherwise. */
    ByteView view_bytes(const std::string &key) & {
        const void *p = nullptr;
        ArrayInfo info = npz_view(key, &p);
        const size_t n = static_cast<size_t>(info.nbytes);
        return ByteView(static_cast<const std::byte *>(p), n, std::move(info), key, alive());
    }
    /** @brief A view of a temporary Handle would dangle at once. */
    ByteView view_bytes(const std::string &key) && = delete;
    /**@}*/

    /** @name Copying */
    /**@{*/
    /** @brief Copies @p key of @p src to the same key here (e.g. NPZ to HDF5), losslessly (ser_copy_entry()). */
    void copy_entry(const Handle &src, const std::string &key) { check(ser_copy_entry(h_, src.h_, key.c_str())); }
    /** @brief Copies every entry under @p src's path here, losslessly (ser_copy_all()). */
    void copy_all(const Handle &src) { check(ser_copy_all(h_, src.h_)); }
    /**@}*/

private:
    template <class T, class Read>
    ser_outcome read_block(const std::string &key, const std::vector<int64_t> &offset, Tensor<T> &block, Read &&read) {
        if (!block.initialized) throw Error(SER_EINVAL, detail::at_key(key) + "the block tensor has no shape (the count)");
        if (offset.size() != block.shape.size()) {
            throw Error(SER_EINVAL, detail::at_key(key) + "the offset has " + std::to_string(offset.size()) +
                                        " dimensions, the block " + std::to_string(block.shape.size()));
        }
        detail::TensorRead<T> r(h_, key, block);
        int32_t outcome = SER_LOADED;
        check(read(&outcome, r));
        r.finish(outcome);
        return static_cast<ser_outcome>(outcome);
    }

    ArrayInfo npz_view(const std::string &key, const void **p) {
        ser_array_info c;
        check(ser_npz_view(p, &c, h_, key.c_str()));
        return ArrayInfo::from_c(c);
    }

    std::weak_ptr<const void> alive() {
        if (!alive_) alive_ = std::make_shared<char>(0);
        return alive_;
    }

    ser_handle *h_ = nullptr;
    std::shared_ptr<const void> keep_;   // the ignore predicate, shared with children
    std::shared_ptr<const void> alive_;  // views watch it; released with h_
};

namespace detail {
inline Handle open_with(int (*open)(ser_handle **, const char *, int32_t, const ser_options *), const std::string &path,
                        int32_t mode, const ser_options *opts, std::shared_ptr<const void> keep = nullptr) {
    ser_handle *h = nullptr;
    check(open(&h, path.c_str(), mode, opts));
    return Handle(h, std::move(keep));
}
}  // namespace detail

/** @brief Opens an NPZ file (@p mode ::SER_READ or ::SER_WRITE) with raw C options. */
inline Handle open_npz(const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    return detail::open_with(ser_npz_open, path, mode, opts);
}

/** @brief Opens an HDF5 file (@p mode ::SER_READ or ::SER_WRITE) with raw C options. */
inline Handle open_h5(const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    return detail::open_with(ser_h5_open, path, mode, opts);
}

/** @brief Opens an NPZ file for reading with @p options; the Handle keeps their ignore predicate. */
inline Handle open_npz(const std::string &path, const LoadOptions &options) {
    detail::CLoadOptions c(options);
    return detail::open_with(ser_npz_open, path, SER_READ, &c.raw, c.keep());
}

/** @brief Opens an HDF5 file for reading with @p options; the Handle keeps their ignore predicate. */
inline Handle open_h5(const std::string &path, const LoadOptions &options) {
    detail::CLoadOptions c(options);
    return detail::open_with(ser_h5_open, path, SER_READ, &c.raw, c.keep());
}

/** @brief Creates an NPZ file, committed atomically by Handle::close(). */
inline Handle create_npz(const std::string &path, const WriteOptions &options = WriteOptions()) {
    const ser_options c = detail::write_c_options(options);
    return detail::open_with(ser_npz_open, path, SER_WRITE, &c);
}

/** @brief Creates an HDF5 file, committed atomically by Handle::close(). */
inline Handle create_h5(const std::string &path, const WriteOptions &options = WriteOptions()) {
    const ser_options c = detail::write_c_options(options);
    return detail::open_with(ser_h5_open, path, SER_WRITE, &c);
}

/**
 * @brief Holds the process-wide lock every HDF5 call of libchainerser is made under
 *        (ser_h5_lock() / ser_h5_unlock()), for a program that calls HDF5 itself.
 *
 * The lock is recursive and belongs to the thread: a guard is neither copied nor moved, and is
 * destroyed on the thread that made it.
 */
class H5Lock {
public:
    /** @brief Takes the lock (waits while another thread holds it). */
    H5Lock() { check(ser_h5_lock()); }
    /** @brief Releases it. */
    ~H5Lock() { ser_h5_unlock(); }
    H5Lock(const H5Lock &) = delete;
    H5Lock &operator=(const H5Lock &) = delete;
};

/** @brief Chainer's Serializer/Deserializer: one object for both directions. */
class Serializer {
public:
    /** @brief Wraps a borrowed handle; @p saving says which direction. */
    Serializer(ser_handle *h, bool saving) : h_(h), saving_(saving) {}

    /** @brief True when saving, false when loading. */
    bool saving() const noexcept { return saving_; }

    /** @brief `serializer[name]`: a child for a sub-object. */
    Serializer operator[](const std::string &name) const {
        ser_handle *c = nullptr;
        check(ser_child(&c, h_, name.c_str()));
        Serializer s(c, saving_);
        s.owned_ = std::make_shared<Handle>(c);
        return s;
    }

    /** @brief Saves or loads a tensor (None when uninitialised; see Tensor). */
    template <class T>
    void operator()(const std::string &key, Tensor<T> &t) const {
        if (saving_) detail::put_tensor(h_, key, t);
        else detail::get_tensor(h_, key, t);
    }

    /** @brief Saves or loads a Python-int persistent. */
    void operator()(const std::string &key, int64_t &v) const {
        if (saving_) check(ser_put_int64(h_, key.c_str(), v));
        else check(ser_get_int64(&v, nullptr, h_, key.c_str()));
    }
    /** @brief Saves or loads a Python-float persistent. */
    void operator()(const std::string &key, double &v) const {
        if (saving_) check(ser_put_float64(h_, key.c_str(), v));
        else check(ser_get_float64(&v, nullptr, h_, key.c_str()));
    }
    /** @brief Saves or loads a Python-bool persistent. */
    void operator()(const std::string &key, bool &v) const {
        int b = v;
        if (saving_) {
            check(ser_put_bool(h_, key.c_str(), b));
            return;
        }
        check(ser_get_bool(&b, nullptr, h_, key.c_str()));
        v = b != 0;
    }
    /** @brief Saves or loads a `str` persistent (UTF-8). */
    void operator()(const std::string &key, std::string &v) const {
        if (saving_) {
            check(ser_put_string(h_, key.c_str(), v.c_str()));
            return;
        }
        size_t size = 0;
        int32_t outcome = SER_LOADED;
        check(ser_get_string(&size, &outcome, h_, key.c_str(), nullptr, 0));
        if (outcome != SER_LOADED) return;
        std::string buf(size, '\0');
        check(ser_get_string(&size, &outcome, h_, key.c_str(), &buf[0], buf.size()));
        buf.resize(size - 1);
        v = std::move(buf);
    }

private:
    ser_handle *h_;
    bool saving_;
    std::shared_ptr<Handle> owned_;  // a child's own handle
};

/** @brief An object that can be saved and loaded (Chainer's `serialize(serializer)`). */
class Serializable {
public:
    virtual ~Serializable() = default;
    /** @brief Visits every value and child; see Serializer. */
    virtual void serialize(Serializer &s) = 0;
};

namespace detail {
inline void save_with(Handle file, Serializable &obj) {
    Serializer s(file.get(), true);
    obj.serialize(s);
    file.close();
}

inline void load_with(Handle file, Serializable &obj) {
    Serializer s(file.get(), false);
    obj.serialize(s);
    file.close();
}
}  // namespace detail

/** @brief chainer.serializers.save_npz with every writing option. */
inline void save_npz(const std::string &path, Serializable &obj, const WriteOptions &options) {
    detail::save_with(create_npz(path, options), obj);
}

/** @brief chainer.serializers.save_npz: @p compression true deflates (savez_compressed). */
inline void save_npz(const std::string &path, Serializable &obj, bool compression = true) {
    WriteOptions o;
    o.compress = compression;
    save_npz(path, obj, o);
}

/** @brief chainer.serializers.load_npz with its path / strict / ignore_names options (and the library's). */
inline void load_npz(const std::string &path, Serializable &obj, const LoadOptions &options = LoadOptions()) {
    detail::load_with(open_npz(path, options), obj);
}

/** @brief chainer.serializers.save_hdf5 with every writing option. */
inline void save_hdf5(const std::string &path, Serializable &obj, const WriteOptions &options) {
    detail::save_with(create_h5(path, options), obj);
}

/** @brief chainer.serializers.save_hdf5 (gzip level @p compression, 0-9). */
inline void save_hdf5(const std::string &path, Serializable &obj, int compression = 4) {
    WriteOptions o;
    o.compression_level = compression;
    save_hdf5(path, obj, o);
}

/** @brief chainer.serializers.load_hdf5 (plus the NPZ loader's options, which Chainer lacks). */
inline void load_hdf5(const std::string &path, Serializable &obj, const LoadOptions &options = LoadOptions()) {
    detail::load_with(open_h5(path, options), obj);
}

}  // namespace chainerser

/** @} */
#endif /* CHAINERSER_CHAINERSER_HPP */
