/**
 * @file mpi.hpp
 * @brief Header-only C++17 wrapper over chainerser/mpi.h: collective opens, save_npz / load_npz
 *        of a Serializable across the ranks of a communicator, and slab puts and gets.
 *
 * @defgroup cpp_mpi C++ wrapper (MPI)
 * @{
 *
 * Link with libchainerser_mpi (CMake `chainerser::mpi`). The collective rules are those of
 * chainerser/mpi.h: opening and closing are collective, ordinary puts rank-local, put_slab
 * collective, reads independent.
 */
#ifndef CHAINERSER_MPI_HPP
#define CHAINERSER_MPI_HPP

#include <chainerser/chainerser.hpp>
#include <chainerser/mpi.h>

#include <string>
#include <vector>

/** @brief The MPI flavour's part of the C++ wrapper. */
namespace chainerser::mpi {

/** @brief Opens an NPZ file on every rank of @p comm (collective). */
inline Handle open_npz(MPI_Comm comm, const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    ser_handle *h = nullptr;
    check(ser_npz_open_mpi(&h, comm, path.c_str(), mode, opts));
    return Handle(h);
}

/** @brief Opens an HDF5 file on every rank of @p comm (collective). */
inline Handle open_h5(MPI_Comm comm, const std::string &path, int32_t mode, const ser_options *opts = nullptr) {
    ser_handle *h = nullptr;
    check(ser_h5_open_mpi(&h, comm, path.c_str(), mode, opts));
    return Handle(h);
}

/** @brief Which ranks run Serializable::serialize when saving. */
enum class Writers {
    root_only,  /**< rank 0 only: a model replicated on every rank */
    every_rank  /**< every rank: each writes keys of its own (its shard, its optimizer state) */
};

/**
 * @brief chainer.serializers.save_npz from every rank of @p comm into one file (collective).
 *        Throws Error on every rank if any rank failed.
 */
inline void save_npz(MPI_Comm comm, const std::string &path, Serializable &obj, Writers writers = Writers::root_only,
                     bool compression = true) {
    ser_options o;
    ser_options_init(&o, SER_OPTIONS_VERSION);
    o.compress = compression ? 1 : 0;
    Handle file = open_npz(comm, path, SER_WRITE, &o);
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (writers == Writers::every_rank || rank == 0) {
        Serializer s(file.get(), true);
        obj.serialize(s);
    }
    file.close();
}

/** @brief chainer.serializers.load_npz on every rank of @p comm (each rank reads for itself). */
inline void load_npz(MPI_Comm comm, const std::string &path, Serializable &obj, const LoadOptions &options = LoadOptions()) {
    detail::CLoadOptions o(options);  // outlives `file`, so the ignore predicate does too
    Handle file = open_npz(comm, path, SER_READ, &o.raw);
    Serializer s(file.get(), false);
    obj.serialize(s);
    file.close();
}

/**
 * @brief Writes this rank's block (@p offset, @p count, elements in memory order @p order) of one
 *        array of @p global_shape (collective: every rank passes the same key, global shape and
 *        order; see ser_put_array_slab_ex()).
 */
template <class T>
void put_slab(Handle &file, const std::string &key, const std::vector<int64_t> &global_shape,
              const std::vector<int64_t> &offset, const std::vector<int64_t> &count, const std::vector<T> &data,
              ser_order order = SER_ORDER_C) {
    check(ser_put_array_slab_ex(file.get(), key.c_str(), dtype_of<T>(), int32_t(global_shape.size()),
                                global_shape.data(), offset.data(), count.data(), order, data.data(),
                                data.size() * sizeof(T)));
}

/** @brief Reads the block (@p offset, @p count) of @p key; independent. */
template <class T>
std::vector<T> get_slab(Handle &file, const std::string &key, const std::vector<int64_t> &offset,
                        const std::vector<int64_t> &count) {
    size_t n = 1;
    for (int64_t c : count) n *= static_cast<size_t>(c);
    std::vector<T> out(n);
    check(ser_get_array_slab(nullptr, file.get(), key.c_str(), dtype_of<T>(), int32_t(count.size()), offset.data(),
                             count.data(), out.data(), out.size() * sizeof(T)));
    return out;
}

}  // namespace chainerser::mpi

/** @} */
#endif /* CHAINERSER_MPI_HPP */
