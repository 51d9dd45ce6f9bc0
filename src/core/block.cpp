#include "core/block.h"

namespace chainerser::core {

void for_each_block_run(const std::vector<int64_t> &shape, const std::vector<int64_t> &offset,
                        const std::vector<int64_t> &count, uint64_t itemsize,
                        const std::function<void(uint64_t, uint64_t, uint64_t)> &run) {
    const size_t nd = shape.size();
    for (int64_t c : count)
        if (c == 0) return;
    // Axes from `outer` inwards lie inside one run: all of them but the outermost are whole.
    size_t outer = nd;
    uint64_t run_bytes = itemsize;
    while (outer > 0) {
        --outer;
        run_bytes *= uint64_t(count[outer]);
        if (count[outer] != shape[outer]) break;
    }
    std::vector<uint64_t> from_stride(nd), to_stride(nd);
    uint64_t fs = itemsize, ts = itemsize;
    for (size_t k = nd; k-- > 0;) {
        from_stride[k] = fs, to_stride[k] = ts;
        fs *= uint64_t(shape[k]), ts *= uint64_t(count[k]);
    }
    uint64_t base = 0;
    for (size_t k = 0; k < nd; ++k) base += uint64_t(offset[k]) * from_stride[k];
    std::vector<int64_t> index(outer, 0);
    for (;;) {
        uint64_t from = base, to = 0;
        for (size_t k = 0; k < outer; ++k) from += uint64_t(index[k]) * from_stride[k], to += uint64_t(index[k]) * to_stride[k];
        run(from, to, run_bytes);
        size_t k = outer;
        while (k > 0 && ++index[k - 1] == count[k - 1]) index[--k] = 0;
        if (k == 0) return;
    }
}

}  // namespace chainerser::core
