#include "mpi/slab_layout.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <functional>

#include "core/error.h"

namespace chainerser::core {
namespace {

__extension__ typedef unsigned __int128 Volume;  // products of extents do not overflow it

Volume volume(const std::vector<int64_t> &count) {
    Volume v = 1;
    for (int64_t c : count) v *= Volume(c);
    return v;
}

bool empty(const Block &b) { return volume(b.count) == 0; }

bool overlap(const Block &a, const Block &b) {
    if (empty(a) || empty(b)) return false;
    for (size_t k = 0; k < a.offset.size(); ++k)
        if (a.offset[k] >= b.offset[k] + b.count[k] || b.offset[k] >= a.offset[k] + a.count[k]) return false;
    return true;
}

std::string repr(const Block &b) {
    std::string s = "offset (";
    for (size_t k = 0; k < b.offset.size(); ++k) s += (k ? ", " : "") + std::to_string(b.offset[k]);
    s += ") count (";
    for (size_t k = 0; k < b.count.size(); ++k) s += (k ? ", " : "") + std::to_string(b.count[k]);
    return s + ")";
}

// The intersection of `b` with rows [lo, hi), or an empty block.
Block rows_of(const Block &b, int64_t lo, int64_t hi) {
    Block out = b;
    const int64_t first = std::max(b.offset[0], lo), last = std::min(b.offset[0] + b.count[0], hi);
    out.offset[0] = first;
    out.count[0] = std::max<int64_t>(0, last - first);
    return out;
}

// The elements of `part` inside an array of `sizes` whose first element is at `origin`.
MPI_Datatype subarray(const std::vector<int64_t> &sizes, const Block &part, const std::vector<int64_t> &origin,
                      MPI_Datatype element) {
    const size_t nd = sizes.size();
    std::vector<int> s(nd), sub(nd), start(nd);
    for (size_t k = 0; k < nd; ++k)
        s[k] = int(sizes[k]), sub[k] = int(part.count[k]), start[k] = int(part.offset[k] - origin[k]);
    MPI_Datatype t;
    check_mpi(MPI_Type_create_subarray(int(nd), s.data(), sub.data(), start.data(), MPI_ORDER_C, element, &t),
              "MPI_Type_create_subarray", SER_EINTERNAL);
    check_mpi(MPI_Type_commit(&t), "MPI_Type_commit", SER_EINTERNAL);
    return t;
}

}  // namespace

std::vector<Block> gather_tiling(const Comm &comm, const std::vector<int64_t> &shape, const Block &mine,
                                 const std::string &at) {
    const size_t nd = shape.size();
    std::vector<int64_t> local(2 * nd), all(2 * nd * size_t(comm.size()));
    std::copy(mine.offset.begin(), mine.offset.end(), local.begin());
    std::copy(mine.count.begin(), mine.count.end(), local.begin() + long(nd));
    check_mpi(MPI_Allgather(local.data(), int(2 * nd), MPI_INT64_T, all.data(), int(2 * nd), MPI_INT64_T, comm.get()),
              "MPI_Allgather", SER_EINTERNAL);
    std::vector<Block> blocks(size_t(comm.size()));
    Volume covered = 0;
    for (size_t r = 0; r < blocks.size(); ++r) {
        const int64_t *p = all.data() + 2 * nd * r;
        blocks[r].offset.assign(p, p + nd);
        blocks[r].count.assign(p + nd, p + 2 * nd);
        for (size_t k = 0; k < nd; ++k) {
            const int64_t o = blocks[r].offset[k], c = blocks[r].count[k];
            if (o < 0 || c < 0 || o > shape[k] || c > shape[k] - o)
                fail(SER_EINVAL, at + "rank " + std::to_string(r) + "'s block " + repr(blocks[r]) +
                                     " is outside the global shape on axis " + std::to_string(k));
        }
        covered += volume(blocks[r].count);
    }
    for (size_t a = 0; a < blocks.size(); ++a)
        for (size_t b = a + 1; b < blocks.size(); ++b)
            if (overlap(blocks[a], blocks[b]))
                fail(SER_EINVAL, at + "the blocks of rank " + std::to_string(a) + " (" + repr(blocks[a]) + ") and rank " +
                                     std::to_string(b) + " (" + repr(blocks[b]) + ") overlap");
    if (covered != volume(shape))
        fail(SER_EINVAL, at + "the blocks leave a gap: they cover " + std::to_string(uint64_t(covered)) + " of " +
                             std::to_string(uint64_t(volume(shape))) + " elements");
    return blocks;
}

std::pair<int64_t, int64_t> row_range(int64_t rows, int rank, int size) {
    const auto at = [&](int r) { return int64_t(Volume(rows) * Volume(r) / Volume(size)); };
    return {at(rank), at(rank + 1)};
}

namespace {

using RowsOf = std::function<std::pair<int64_t, int64_t>(int rank)>;

// Every rank's block to the ranks whose rows (rows_of) it covers.
ByteBuffer move_rows(const Comm &comm, const std::vector<int64_t> &shape, uint64_t itemsize,
                     const std::vector<Block> &blocks, const void *mine, const RowsOf &rows_of_rank,
                     const std::string &at) {
    const size_t nd = shape.size(), p = size_t(comm.size());
    for (int64_t d : shape)
        if (d > INT_MAX) fail(SER_EUNSUPPORTED, at + "an extent over 2^31 - 1 cannot be sharded (MPI counts are int)");
    if (itemsize > INT_MAX) fail(SER_EUNSUPPORTED, at + "item size too large");
    MPI_Datatype element;
    check_mpi(MPI_Type_contiguous(int(itemsize), MPI_BYTE, &element), "MPI_Type_contiguous", SER_EINTERNAL);
    check_mpi(MPI_Type_commit(&element), "MPI_Type_commit", SER_EINTERNAL);

    const auto [lo, hi] = rows_of_rank(comm.rank());
    std::vector<int64_t> my_rows = shape;
    my_rows[0] = hi - lo;
    uint64_t bytes = itemsize;
    for (int64_t d : my_rows) bytes *= uint64_t(d);
    ByteBuffer out(size_t(std::max<uint64_t>(bytes, 1)));
    out.shrink(size_t(bytes));

    const Block &own = blocks[size_t(comm.rank())];
    std::vector<int> send_counts(p, 0), recv_counts(p, 0), displs(p, 0);
    std::vector<MPI_Datatype> send_types(p, MPI_BYTE), recv_types(p, MPI_BYTE);
    std::vector<int64_t> row_origin(nd, 0);
    row_origin[0] = lo;
    for (size_t q = 0; q < p; ++q) {
        const auto [qlo, qhi] = rows_of_rank(int(q));
        const Block to_q = rows_of(own, qlo, qhi);
        if (!empty(to_q)) send_types[q] = subarray(own.count, to_q, own.offset, element), send_counts[q] = 1;
        const Block from_q = rows_of(blocks[q], lo, hi);
        if (!empty(from_q)) recv_types[q] = subarray(my_rows, from_q, row_origin, element), recv_counts[q] = 1;
    }
    static unsigned char none;
    const int rc = MPI_Alltoallw(mine ? mine : &none, send_counts.data(), displs.data(), send_types.data(),
                                 out.data() ? out.data() : &none, recv_counts.data(), displs.data(), recv_types.data(),
                                 comm.get());
    for (size_t q = 0; q < p; ++q) {
        if (send_counts[q]) MPI_Type_free(&send_types[q]);
        if (recv_counts[q]) MPI_Type_free(&recv_types[q]);
    }
    MPI_Type_free(&element);
    check_mpi(rc, at + "MPI_Alltoallw", SER_EINTERNAL);
    return out;
}

}  // namespace

bool holds_row_ranges(const std::vector<Block> &blocks, const std::vector<int64_t> &shape, int size) {
    for (int r = 0; r < size; ++r) {
        const auto [lo, hi] = row_range(shape[0], r, size);
        const Block &b = blocks[size_t(r)];
        bool empty = false;
        for (int64_t c : b.count) empty |= c == 0;
        if (hi == lo && empty) continue;
        if (b.offset[0] != lo || b.count[0] != hi - lo) return false;
        for (size_t k = 1; k < shape.size(); ++k)
            if (b.offset[k] != 0 || b.count[k] != shape[k]) return false;
    }
    return true;
}

ByteBuffer redistribute(const Comm &comm, const std::vector<int64_t> &shape, uint64_t itemsize,
                        const std::vector<Block> &blocks, const void *mine, const std::string &at) {
    const RowsOf rows = [&](int r) { return row_range(shape[0], r, comm.size()); };
    return move_rows(comm, shape, itemsize, blocks, mine, rows, at);
}

ByteBuffer gather_array(const Comm &comm, int root, const std::vector<int64_t> &shape, uint64_t itemsize,
                        const std::vector<Block> &blocks, const void *mine, const std::string &at) {
    const RowsOf rows = [&](int r) { return r == root ? std::pair<int64_t, int64_t>(0, shape[0]) : std::pair<int64_t, int64_t>(0, 0); };
    return move_rows(comm, shape, itemsize, blocks, mine, rows, at);
}

}  // namespace chainerser::core
