#include "core/transpose.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "chainerser/chainerser.h"

namespace chainerser::core {
namespace {

// A block is copied element by element once the bytes it spans in one array fit in this much:
// with the other array's piece beside it, both stay within a 32 KiB L1 data cache.
constexpr uint64_t kLeafBytes = 16 * 1024;

using Extents = std::array<int64_t, SER_MAX_NDIM>;

// Copies n elements of N bytes from stride `from` to stride `to`.
template <size_t N>
void copy_run(const unsigned char *s, uint64_t from, unsigned char *d, uint64_t to, int64_t n, size_t) {
    for (int64_t i = 0; i < n; ++i, s += from, d += to) std::memcpy(d, s, N);
}

void copy_run_any(const unsigned char *s, uint64_t from, unsigned char *d, uint64_t to, int64_t n, size_t size) {
    for (int64_t i = 0; i < n; ++i, s += from, d += to) std::memcpy(d, s, size);
}

using CopyRun = void (*)(const unsigned char *, uint64_t, unsigned char *, uint64_t, int64_t, size_t);

CopyRun copy_run_for(size_t itemsize) {
    switch (itemsize) {
        case 1: return copy_run<1>;
        case 2: return copy_run<2>;
        case 4: return copy_run<4>;
        case 8: return copy_run<8>;
        case 16: return copy_run<16>;
        default: return copy_run_any;
    }
}

// A strided copy of the same elements between two layouts, split in halves along its widest axis
// until a block fits the cache (the cache-oblivious transposition).
class StridedCopy {
public:
    StridedCopy(const void *src, void *dst, std::vector<int64_t> shape, std::vector<uint64_t> from,
                std::vector<uint64_t> to, size_t itemsize)
        : src_(static_cast<const unsigned char *>(src)), dst_(static_cast<unsigned char *>(dst)),
          shape_(std::move(shape)), from_(std::move(from)), to_(std::move(to)), itemsize_(itemsize),
          run_(copy_run_for(itemsize)) {
        // The leaf walks the destination's fastest axis innermost, then the next fastest, ...
        walk_.resize(shape_.size());
        for (size_t k = 0; k < walk_.size(); ++k) walk_[k] = k;
        std::sort(walk_.begin(), walk_.end(), [this](size_t a, size_t b) { return to_[a] < to_[b]; });
    }

    void run() {
        Extents lo{}, hi{};
        for (size_t k = 0; k < shape_.size(); ++k) hi[k] = shape_[k];
        split(lo, hi);
    }

private:
    void split(Extents &lo, Extents &hi) {
        size_t widest = 0;
        uint64_t elements = 1;
        for (size_t k = 0; k < shape_.size(); ++k) {
            elements *= uint64_t(hi[k] - lo[k]);
            if (hi[k] - lo[k] > hi[widest] - lo[widest]) widest = k;
        }
        const int64_t extent = hi[widest] - lo[widest];
        if (elements * itemsize_ <= kLeafBytes || extent <= 1) return leaf(lo, hi);
        const int64_t mid = lo[widest] + extent / 2, end = hi[widest], begin = lo[widest];
        hi[widest] = mid;
        split(lo, hi);
        hi[widest] = end, lo[widest] = mid;
        split(lo, hi);
        lo[widest] = begin;
    }

    void leaf(const Extents &lo, const Extents &hi) {
        const size_t nd = shape_.size(), inner = walk_[0];
        Extents index = lo;
        for (;;) {
            uint64_t from = 0, to = 0;
            for (size_t k = 0; k < nd; ++k) from += uint64_t(index[k]) * from_[k], to += uint64_t(index[k]) * to_[k];
            run_(src_ + from, from_[inner], dst_ + to, to_[inner], hi[inner] - lo[inner], itemsize_);
            size_t w = 1;
            for (; w < nd; ++w) {
                const size_t k = walk_[w];
                if (++index[k] < hi[k]) break;
                index[k] = lo[k];
            }
            if (w >= nd) return;
        }
    }

    const unsigned char *src_;
    unsigned char *dst_;
    std::vector<int64_t> shape_;
    std::vector<uint64_t> from_, to_;  // byte strides per axis
    size_t itemsize_;
    CopyRun run_;
    std::vector<size_t> walk_;
};

// Byte strides of `shape` in row-major order, or column-major when `fortran`.
std::vector<uint64_t> strides_of(const std::vector<int64_t> &shape, size_t itemsize, bool fortran) {
    std::vector<uint64_t> stride(shape.size());
    uint64_t s = itemsize;
    for (size_t i = 0; i < shape.size(); ++i) {
        const size_t k = fortran ? i : shape.size() - 1 - i;
        stride[k] = s;
        s *= uint64_t(shape[k]);
    }
    return stride;
}

void reorder(const void *src, bool src_fortran, void *dst, const std::vector<int64_t> &shape, size_t itemsize) {
    uint64_t count = 1;
    for (int64_t d : shape) count *= uint64_t(d);
    if (count == 0) return;
    std::vector<uint64_t> from = strides_of(shape, itemsize, src_fortran), to = strides_of(shape, itemsize, !src_fortran);
    // Axes of extent 1 move nothing; with at most one axis left both orders are the same bytes.
    std::vector<int64_t> kept;
    std::vector<uint64_t> kept_from, kept_to;
    for (size_t k = 0; k < shape.size(); ++k)
        if (shape[k] != 1) kept.push_back(shape[k]), kept_from.push_back(from[k]), kept_to.push_back(to[k]);
    if (kept.size() <= 1) {
        std::memcpy(dst, src, count * itemsize);
        return;
    }
    StridedCopy(src, dst, std::move(kept), std::move(kept_from), std::move(kept_to), itemsize).run();
}

}  // namespace

void fortran_to_c(const void *src, void *dst, const std::vector<int64_t> &shape, size_t itemsize) {
    reorder(src, true, dst, shape, itemsize);
}

void c_to_fortran(const void *src, void *dst, const std::vector<int64_t> &shape, size_t itemsize) {
    reorder(src, false, dst, shape, itemsize);
}

}  // namespace chainerser::core
