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
 */
#ifndef CHAINERSER_CHAINERSER_HPP
#define CHAINERSER_CHAINERSER_HPP

#include <chainerser/chainerser.h>

#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
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
    else if constexpr (std::is_same_v<T, float>) return SER_FLOAT32;
    else if constexpr (std::is_same_v<T, double>) return SER_FLOAT64;
    else if constexpr (std::is_same_v<T, std::complex<float>>) return SER_COMPLEX64;
    else if constexpr (std::is_same_v<T, std::complex<double>>) return SER_COMPLEX128;
    else static_assert(sizeof(T) == 0, "no ser_dtype for this element type");
}

/**
 * @brief An n-d array owned by the caller's object, e.g. a link's parameter.
 *
 * A default-constructed Tensor is *uninitialised* (Chainer's `Parameter` with `data is None`):
 * it is saved as None, and loading an array into it initialises it with the stored shape.
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

/** @brief Load options of load_npz / load_hdf5 (Chainer's `path`, `strict`, `ignore_names`). */
struct LoadOptions {
    std::string path;                                    /**< raw key prefix; must end with '/' */
    bool strict = true;                                  /**< false: missing keys keep their values */
    std::vector<std::string> ignore_names;               /**< full keys to skip */
    std::function<bool(const std::string &)> ignore;     /**< predicate on full keys */
    ser_cast cast = SER_CAST_SAME_KIND;                  /**< Chainer's numpy.copyto rule by default */
};

/** @brief Owns a ::ser_handle. Closing a root writer commits the file. */
class Handle {
public:
    Handle() = default;
    /** @brief Takes ownership of @p h. */
    explicit Handle(ser_handle *h) : h_(h) {}
    /** @brief Moves ownership. */
    Handle(Handle &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    /** @brief Moves ownership; a handle already held is discarded. */
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    /** @brief Best effort: a root writer that was never closed is discarded, not committed. */
    ~Handle() { reset(); }

    /** @brief Commits (root writers) and releases; throws Error if the commit fails. */
    void close() {
        if (h_) check(ser_close(std::exchange(h_, nullptr)));
    }
    /** @brief Releases without committing; any old file stays as it was. */
    void reset() noexcept { ser_discard(std::exchange(h_, nullptr)); }
    /** @brief The raw handle (still owned). */
    ser_handle *get() const noexcept { return h_; }

private:
    ser_handle *h_ = nullptr;
};

/** @brief Opens an NPZ file (@p mode ::SER_READ or ::SER_WRITE). */
inline Handle open_npz(const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    ser_handle *h = nullptr;
    check(ser_npz_open(&h, path.c_str(), mode, opts));
    return Handle(h);
}

/** @brief Opens an HDF5 file (@p mode ::SER_READ or ::SER_WRITE). */
inline Handle open_h5(const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    ser_handle *h = nullptr;
    check(ser_h5_open(&h, path.c_str(), mode, opts));
    return Handle(h);
}

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
        if (saving_) {
            if (!t.initialized) {
                check(ser_put_none(h_, key.c_str()));
                return;
            }
            if (t.shape.size() > SER_MAX_NDIM) throw Error(SER_EINVAL, "key '" + key + "': more than 32 dimensions");
            ser_array_info info{};
            info.dtype = dtype_of<T>();
            info.byteorder = SER_BYTEORDER_NA;  // native
            info.fortran_order = t.order;
            info.ndim = static_cast<int32_t>(t.shape.size());
            for (size_t k = 0; k < t.shape.size(); ++k) info.shape[k] = t.shape[k];
            check(ser_put_array_ex(h_, key.c_str(), &info, t.data.data(), t.data.size() * sizeof(T)));
            return;
        }
        if (!t.initialized) {  // Chainer: an uninitialised parameter takes the stored shape
            int present = 0;
            check(ser_has(&present, h_, key.c_str()));
            ser_array_info info;
            if (!present || ser_get_info(&info, h_, key.c_str()) != SER_OK || info.dtype == SER_NONE) {
                int32_t outcome;
                check(ser_get_array(&outcome, h_, key.c_str(), dtype_of<T>(), 0, nullptr, nullptr, 0));
                return;
            }
            Tensor<T> loaded(std::vector<int64_t>(info.shape, info.shape + info.ndim), T(), t.order);
            int32_t outcome;
            check(ser_get_array_ex(&outcome, h_, key.c_str(), dtype_of<T>(), info.ndim, loaded.shape.data(),
                                   loaded.order, loaded.data.data(), loaded.data.size() * sizeof(T)));
            if (outcome == SER_LOADED) t = std::move(loaded);
            return;
        }
        int32_t outcome;
        check(ser_get_array_ex(&outcome, h_, key.c_str(), dtype_of<T>(), static_cast<int32_t>(t.shape.size()),
                               t.shape.data(), t.order, t.data.data(), t.data.size() * sizeof(T)));
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
inline ser_options load_c_options(const LoadOptions &o, std::vector<const char *> &names) {
    ser_options c;
    ser_options_init(&c, SER_OPTIONS_VERSION);
    c.strict = o.strict ? 1 : 0;
    c.cast = o.cast;
    c.path = o.path.c_str();
    for (const std::string &n : o.ignore_names) names.push_back(n.c_str());
    c.ignore_names = names.data();
    c.ignore_count = names.size();
    if (o.ignore) {
        c.ignore_fn = [](const char *key, void *ctx) -> int {
            try {
                return (*static_cast<const std::function<bool(const std::string &)> *>(ctx))(key) ? 1 : 0;
            } catch (...) {
                return 0;
            }
        };
        c.ignore_ctx = const_cast<std::function<bool(const std::string &)> *>(&o.ignore);
    }
    return c;
}

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

/** @brief chainer.serializers.save_npz: @p compression true deflates (savez_compressed). */
inline void save_npz(const std::string &path, Serializable &obj, bool compression = true) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compression ? 1 : 0;
    detail::save_with(open_npz(path, SER_WRITE, &o), obj);
}

/** @brief chainer.serializers.load_npz with its path / strict / ignore_names options. */
inline void load_npz(const std::string &path, Serializable &obj, const LoadOptions &options = LoadOptions()) {
    std::vector<const char *> names;
    ser_options o = detail::load_c_options(options, names);
    detail::load_with(open_npz(path, SER_READ, &o), obj);
}

/** @brief chainer.serializers.save_hdf5 (gzip level @p compression, 0-9). */
inline void save_hdf5(const std::string &path, Serializable &obj, int compression = 4) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compression_level = compression;
    detail::save_with(open_h5(path, SER_WRITE, &o), obj);
}

/** @brief chainer.serializers.load_hdf5 (plus the NPZ loader's options, which Chainer lacks). */
inline void load_hdf5(const std::string &path, Serializable &obj, const LoadOptions &options = LoadOptions()) {
    std::vector<const char *> names;
    ser_options o = detail::load_c_options(options, names);
    detail::load_with(open_h5(path, SER_READ, &o), obj);
}

}  // namespace chainerser

/** @} */
#endif /* CHAINERSER_CHAINERSER_HPP */
