#include "hdf5/hdf5_chunk.h"

#include <cmath>

#include "core/error.h"

namespace chainerser::core {
namespace {

constexpr double kChunkBase = 16 * 1024;
constexpr double kChunkMin = 8 * 1024;
constexpr double kChunkMax = 1024 * 1024;

// numpy.product over a float64 array, in the same left-to-right order.
double product(const std::vector<double> &v) {
    double p = 1;
    for (double x : v) p *= x;
    return p;
}

}  // namespace

std::vector<int64_t> h5py_guess_chunk(const std::vector<int64_t> &shape, size_t typesize) {
    if (shape.empty()) fail(SER_EINTERNAL, "chunks are not allowed for scalar datasets");
    std::vector<double> chunks;
    for (int64_t x : shape) chunks.push_back(x != 0 ? double(x) : 1024.0);  // h5py's guess for unlimited axes
    const size_t ndims = chunks.size();
    const double item = double(typesize);

    const double dset_size = product(chunks) * item;
    double target = kChunkBase * std::pow(2.0, std::log10(dset_size / (1024. * 1024)));
    if (target > kChunkMax) target = kChunkMax;
    else if (target < kChunkMin) target = kChunkMin;

    for (size_t idx = 0;; ++idx) {
        const double chunk_bytes = product(chunks) * item;
        if ((chunk_bytes < target || std::fabs(chunk_bytes - target) / target < 0.5) && chunk_bytes < kChunkMax) break;
        if (product(chunks) == 1) break;  // one element is already larger than the maximum
        double &axis = chunks[idx % ndims];
        axis = std::ceil(axis / 2.0);
    }
    std::vector<int64_t> out;
    for (double c : chunks) out.push_back(int64_t(c));
    return out;
}

}  // namespace chainerser::core
