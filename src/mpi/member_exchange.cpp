#include "mpi/member_exchange.h"

#include <climits>
#include <cstring>

#include "core/error.h"

namespace chainerser::core {
namespace {

void put_u64(std::vector<unsigned char> &out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

uint64_t get_u64(const unsigned char *&p, const unsigned char *end) {
    if (end - p < 8) fail(SER_EINTERNAL, "directory entries from another rank are truncated");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(p[i]) << (8 * i);
    p += 8;
    return v;
}

std::vector<unsigned char> encode(const std::vector<CentralEntry> &entries) {
    std::vector<unsigned char> out;
    put_u64(out, entries.size());
    for (const CentralEntry &e : entries) {
        put_u64(out, e.name.size());
        out.insert(out.end(), e.name.begin(), e.name.end());
        put_u64(out, e.spec.deflated), put_u64(out, e.spec.size), put_u64(out, e.spec.crc);
        put_u64(out, e.spec.align_offset), put_u64(out, e.comp_size), put_u64(out, e.offset);
        put_u64(out, e.pieces.size());
        for (const PieceEnd &pe : e.pieces) put_u64(out, pe.decoded), put_u64(out, pe.compressed);
        put_u64(out, e.piece_crcs.size());
        for (uint32_t crc : e.piece_crcs) put_u64(out, crc);
    }
    return out;
}

void decode(const unsigned char *p, const unsigned char *end, int rank, std::vector<RankedEntry> &out) {
    for (uint64_t n = get_u64(p, end); n > 0; --n) {
        RankedEntry r{{}, rank};
        CentralEntry &e = r.entry;
        const uint64_t len = get_u64(p, end);
        if (uint64_t(end - p) < len) fail(SER_EINTERNAL, "directory entries from another rank are truncated");
        e.name.assign(reinterpret_cast<const char *>(p), size_t(len));
        p += len;
        e.spec.deflated = get_u64(p, end) != 0;
        e.spec.size = get_u64(p, end);
        e.spec.crc = uint32_t(get_u64(p, end));
        e.spec.align_offset = get_u64(p, end);
        e.comp_size = get_u64(p, end);
        e.offset = get_u64(p, end);
        for (uint64_t k = get_u64(p, end); k > 0; --k) {
            const uint64_t decoded = get_u64(p, end);
            e.pieces.push_back({decoded, get_u64(p, end)});
        }
        for (uint64_t k = get_u64(p, end); k > 0; --k) e.piece_crcs.push_back(uint32_t(get_u64(p, end)));
        out.push_back(std::move(r));
    }
}

}  // namespace

std::vector<RankedEntry> gather_entries(const Comm &comm, const std::vector<CentralEntry> &mine) {
    const std::vector<unsigned char> bytes = encode(mine);
    uint64_t mine_size = bytes.size(), total = 0;
    check_mpi(MPI_Allreduce(&mine_size, &total, 1, MPI_UINT64_T, MPI_SUM, comm.get()), "MPI_Allreduce", SER_EINTERNAL);
    // Decided on every rank alike, before anything that would wait for a rank that gave up.
    if (total > INT_MAX) fail(SER_EUNSUPPORTED, "the directory entries of all ranks exceed 2 GiB");
    const int size = int(bytes.size());
    std::vector<int> sizes(size_t(comm.size())), displs(size_t(comm.size()));
    check_mpi(MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, comm.get()), "MPI_Gather", SER_EINTERNAL);
    std::vector<unsigned char> all;
    if (comm.rank() == 0) {
        int at = 0;
        for (size_t r = 0; r < sizes.size(); ++r) displs[r] = at, at += sizes[r];
        all.resize(size_t(total));
    }
    check_mpi(MPI_Gatherv(bytes.data(), size, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE, 0, comm.get()),
              "MPI_Gatherv", SER_EINTERNAL);
    std::vector<RankedEntry> out;
    if (comm.rank() != 0) return out;
    for (size_t r = 0; r < sizes.size(); ++r)
        decode(all.data() + displs[r], all.data() + displs[r] + sizes[r], int(r), out);
    return out;
}

}  // namespace chainerser::core
