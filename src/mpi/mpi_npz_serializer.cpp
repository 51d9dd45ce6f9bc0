#include "mpi/mpi_npz_serializer.h"

#include <algorithm>
#include <array>
#include <climits>
#include <map>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "core/block.h"
#include "core/error.h"
#include "core/keypath.h"
#include "mpi/agreement.h"
#include "mpi/member_exchange.h"
#include "mpi/shared_file.h"
#include "core/pipeline.h"
#include "npz/member_pieces.h"
#include "npz/npy_header.h"
#include "npz/npz_serializer.h"
#include "npz/zip_writer.h"

namespace chainerser::core {

class MpiNpzSerializer : public MpiSerializer {
public:
    struct State;  // shared by a root and its children
    MpiNpzSerializer(std::string path, std::shared_ptr<State> state);
    ~MpiNpzSerializer() override;

    void commit() override;
    void discard() noexcept override;

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    void check_slab_key(const std::string &full) override;
    void write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                    const std::vector<Block> &blocks, const void *data) override;
    void write_fortran_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                            const std::vector<Block> &blocks, const void *data) override;

private:
    // A stored sharded member: each rank's block straight from its buffer through a file view.
    void write_stored_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                           const std::vector<Block> &blocks, const void *data);
    // The member's entry once its sizes and CRC-32 are known; rank 0 writes its local header.
    // Returns where its data starts.
    uint64_t place_member(CentralEntry &entry, const std::string &header);
    std::shared_ptr<State> state_;
};

struct MpiNpzSerializer::State : MpiSave {
    WriteOptions options;
    std::unique_ptr<SharedFile> out;
    std::unique_ptr<NpzSerializer> local;  // this rank's own members, laid out in a scratch file
    ScratchFileSink *spill = nullptr;      // where `local` writes (owned by its ZipWriter)
    std::vector<CentralEntry> sharded;     // the same on every rank, offsets final
    uint64_t sharded_end = 0;              // where the sharded members end in the file
};

namespace {

constexpr uint64_t kAlign = 64;
// A rank's own members go from its scratch file into the shared file this many bytes at a time.
constexpr size_t kCopyChunk = size_t(8) << 20;

uint64_t round_up(uint64_t v, bool align) { return align ? (v + kAlign - 1) / kAlign * kAlign : v; }

// The highest rank whose piece is not empty (rank 0 always has the npy header).
int last_piece(int64_t rows, uint64_t row_bytes, int size) {
    for (int q = size - 1; q > 0; --q) {
        const auto [lo, hi] = row_range(rows, q, size);
        if (hi > lo && row_bytes) return q;
    }
    return 0;
}

// Every rank's `mine` (groups of 3 values), each group prefixed with its rank, in rank order.
std::vector<uint64_t> all_gathered(const Comm &comm, const std::vector<uint64_t> &mine) {
    std::vector<uint64_t> tagged;
    for (size_t i = 0; i < mine.size(); i += 3) tagged.insert(tagged.end(), {uint64_t(comm.rank()), mine[i], mine[i + 1], mine[i + 2]});
    if (tagged.size() > size_t(INT_MAX)) fail(SER_EUNSUPPORTED, "too many pieces in one member");
    const int n = int(tagged.size());
    std::vector<int> counts(size_t(comm.size())), displs(size_t(comm.size()));
    check_mpi(MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm.get()), "MPI_Allgather", SER_EINTERNAL);
    for (size_t r = 1; r < counts.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
    std::vector<uint64_t> all(size_t(displs.back() + counts.back()) + 1);  // + 1: never empty
    check_mpi(MPI_Allgatherv(tagged.data(), n, MPI_UINT64_T, all.data(), counts.data(), displs.data(), MPI_UINT64_T,
                             comm.get()),
              "MPI_Allgatherv", SER_EINTERNAL);
    all.pop_back();
    return all;
}

}  // namespace

MpiNpzSerializer::MpiNpzSerializer(std::string path, std::shared_ptr<State> state)
    : MpiSerializer(std::move(path), state), state_(std::move(state)) {}

MpiNpzSerializer::~MpiNpzSerializer() = default;

std::unique_ptr<MpiSerializer> create_mpi_npz_writer(std::shared_ptr<Comm> comm, const std::string &file,
                                                        const WriteOptions &options) {
    auto s = std::make_shared<MpiNpzSerializer::State>();
    s->comm = std::move(comm);
    s->file = file;
    s->options = with_default_level(options, 6);  // zlib's default, as numpy uses
    s->out = std::make_unique<SharedFile>(*s->comm, file);
    try {
        collectively(*s->comm, [&] {
            auto sink = std::make_unique<ScratchFileSink>(file);
            s->spill = sink.get();
            s->local = NpzSerializer::create_with(std::make_unique<ZipWriter>(file, std::move(sink)), file, s->options,
                                                  /*pieces_alone=*/true);
        });
    } catch (...) {
        s->out->discard(false);  // agreed: every rank is here
        throw;
    }
    return std::make_unique<MpiNpzSerializer>("", std::move(s));
}

std::unique_ptr<AbstractSerializer> MpiNpzSerializer::make_child(std::string path) {
    return std::make_unique<MpiNpzSerializer>(std::move(path), state_);
}

void MpiNpzSerializer::write_entry(const std::string &key, const ConstArrayView &value) {
    state_->check_open();
    state_->local->save(key, value);
}

void MpiNpzSerializer::check_slab_key(const std::string &full) {
    for (const CentralEntry &e : state_->sharded)
        if (e.name == full + ".npy") fail(SER_EEXISTS, where(state_->file, full) + "written twice");
}

uint64_t MpiNpzSerializer::place_member(CentralEntry &entry, const std::string &header) {
    State &s = *state_;
    if (!entry.spec.deflated && s.options.align_data) entry.spec.align_offset = header.size();
    entry.offset = s.sharded_end;
    // As the serial writer decides: its begin() for pieces, its add() for stored members.
    const bool big = entry.spec.deflated ? entry.spec.size > kZip64Limit : needs_zip64_sizes(entry.spec.size, entry.comp_size);
    const std::vector<unsigned char> local_header =
        encode_local_header(entry.name, entry.spec, entry.comp_size, big, entry.offset, s.file);
    collectively(*s.comm, [&] {
        if (s.comm->rank() == 0) s.out->write_at(entry.offset, local_header.data(), local_header.size());
    });
    return entry.offset + local_header.size();
}

void MpiNpzSerializer::write_stored_slab(const std::string &full, const ArrayMeta &global,
                                         const std::vector<int64_t> &shape, const std::vector<Block> &blocks,
                                         const void *data) {
    State &s = *state_;
    const Comm &comm = *s.comm;
    const uint64_t itemsize = global.type.itemsize;
    for (int64_t d : shape)
        if (d > INT_MAX) fail(SER_EUNSUPPORTED, where(s.file, full) + "an extent over 2^31 - 1 cannot be sharded");
    for (const Block &b : blocks) {
        uint64_t n = 1;
        for (int64_t c : b.count) n *= uint64_t(c);
        if (n > INT_MAX) fail(SER_EUNSUPPORTED, where(s.file, full) + "a block of over 2^31 - 1 elements");
    }
    // The CRC-32 of the array in C order, from the CRC of each contiguous run of each block.
    const Block &own = blocks[size_t(comm.rank())];
    std::vector<uint64_t> runs;  // (offset in the array, size, crc) per run
    for_each_block_run(shape, own.offset, own.count, itemsize, [&](uint64_t from, uint64_t to, uint64_t n) {
        runs.push_back(from), runs.push_back(n);
        runs.push_back(crc32_update(0, static_cast<const unsigned char *>(data) + to, size_t(n)));
    });
    const int mine = int(runs.size());
    std::vector<int> counts(size_t(comm.size())), displs(size_t(comm.size()));
    check_mpi(MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm.get()), "MPI_Gather", SER_EINTERNAL);
    uint64_t total = 0;
    for (size_t r = 0; r < counts.size(); ++r) displs[r] = int(total), total += uint64_t(counts[r]);
    std::vector<uint64_t> all(comm.rank() == 0 ? size_t(total) : 0);
    check_mpi(MPI_Gatherv(runs.data(), mine, MPI_UINT64_T, all.data(), counts.data(), displs.data(), MPI_UINT64_T, 0,
                          comm.get()),
              "MPI_Gatherv", SER_EINTERNAL);
    const std::string header = encode_npy_header(global);
    uint32_t crc = crc32_update(0, header.data(), header.size());
    if (comm.rank() == 0) {
        std::vector<std::array<uint64_t, 3>> sorted(all.size() / 3);
        for (size_t i = 0; i < sorted.size(); ++i) sorted[i] = {all[3 * i], all[3 * i + 1], all[3 * i + 2]};
        std::sort(sorted.begin(), sorted.end());
        for (const auto &run : sorted) crc = crc32_concat(crc, uint32_t(run[2]), run[1]);
    }
    check_mpi(MPI_Bcast(&crc, 1, MPI_UINT32_T, 0, comm.get()), "MPI_Bcast", SER_EINTERNAL);

    CentralEntry entry;
    entry.name = full + ".npy";
    entry.spec.size = entry.comp_size = header.size() + global.nbytes();
    entry.spec.crc = crc;
    const uint64_t data_start = place_member(entry, header);
    collectively(comm, [&] {
        if (comm.rank() == 0) s.out->write_at(data_start, header.data(), header.size());
    });
    const LocalStatus wrote = attempt([&] {
        s.out->write_block_all(data_start + header.size(), shape, itemsize, own.offset, own.count, data);
    });
    agree_status(comm, wrote.code, wrote.message);
    s.sharded_end = data_start + entry.comp_size;
    s.sharded.push_back(std::move(entry));
}

void MpiNpzSerializer::write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                                  const std::vector<Block> &blocks, const void *data) {
    if (!state_->options.compress) return write_stored_slab(full, global, shape, blocks, data);
    State &s = *state_;
    const Comm &comm = *s.comm;
    const std::string at = where(s.file, full);
    uint64_t row_bytes = global.type.itemsize;
    for (size_t k = 1; k < shape.size(); ++k) row_bytes *= uint64_t(shape[k]);
    const int last = last_piece(shape[0], row_bytes, comm.size());

    // Each rank deflates one contiguous range of the array (rank 0's begins with the npy header)
    // in pieces of the serial writer's size, on its workers: the caller's own rows when every
    // rank holds exactly its range (row blocks), else its range redistributed.
    const std::pair<int64_t, int64_t> range = row_range(shape[0], comm.rank(), comm.size());
    ByteBuffer moved;
    ByteSpan rows{data, uint64_t(range.second - range.first) * row_bytes};
    if (!holds_row_ranges(blocks, shape, comm.size())) {
        moved = redistribute(comm, shape, global.type.itemsize, blocks, data, at);
        rows = {moved.data(), moved.size()};
    }
    std::string header;
    std::vector<Deflated> pieces;
    collectively(comm, [&] {
        if (comm.rank() == 0) header = encode_npy_header(global);
        const size_t per = piece_bytes(size_t(shape[0]) * row_bytes);
        const size_t n = rows.size ? (rows.size + per - 1) / per : header.empty() ? 0 : 1;
        pieces.resize(n);
        run_in_order(
            s.options.workers->pool(), n,
            [&](size_t i) { return deflate_piece({header.data(), header.size()}, rows, per, i, n, s.options.level, comm.rank() == last); },
            [&](size_t i, Deflated &&piece) { return pieces[i] = std::move(piece), true; });
    });

    // Every rank's pieces (sizes and CRC-32s), and from them the member's layout, computed alike
    // everywhere.
    std::vector<uint64_t> mine;
    for (const Deflated &p : pieces) mine.insert(mine.end(), {p.size, p.crc, p.stream.size()});
    const std::vector<uint64_t> all = all_gathered(comm, mine);
    CentralEntry entry;
    entry.name = full + ".npy";
    entry.spec.deflated = true;
    uint64_t before_me = 0;
    const size_t total_pieces = all.size() / 4;
    for (size_t k = 0, at_k = 0; k < total_pieces; ++k, at_k += 4) {
        const int q = int(all[at_k]);
        const uint64_t in = all[at_k + 1], out = all[at_k + 3];
        if (q < comm.rank()) before_me += out;
        entry.spec.crc = crc32_concat(entry.spec.crc, uint32_t(all[at_k + 2]), in);
        entry.spec.size += in;
        entry.comp_size += out;
        if (k + 1 != total_pieces) entry.pieces.push_back({entry.spec.size, entry.comp_size});
        entry.piece_crcs.push_back(uint32_t(all[at_k + 2]));
    }
    if (entry.pieces.size() > kMaxWrittenPieceIndexEntries) entry.pieces.clear();
    if (entry.pieces.empty()) entry.piece_crcs.clear();
    const uint64_t data_start = place_member(entry, header);
    collectively(comm, [&] {
        uint64_t offset = data_start + before_me;
        for (const Deflated &p : pieces) s.out->write_at(offset, p.stream.data(), p.stream.size()), offset += p.stream.size();
    });
    s.sharded_end = data_start + entry.comp_size;
    s.sharded.push_back(std::move(entry));
}

// A Fortran-ordered member (fortran_order: True, the shape as given), what the serial writer makes
// of a column-major array: its bytes are the C-order array of the reversed shape, in which each
// rank's column-major block is the C-order block of the reversed offset and extents. So the
// member goes through write_slab's C-order paths as it is, without a transposition.
void MpiNpzSerializer::write_fortran_slab(const std::string &full, const ArrayMeta &global,
                                          const std::vector<int64_t> &shape, const std::vector<Block> &blocks,
                                          const void *data) {
    ArrayMeta meta = global;
    meta.fortran_order = true;
    std::vector<Block> reversed;
    reversed.reserve(blocks.size());
    for (const Block &b : blocks)
        reversed.push_back({{b.offset.rbegin(), b.offset.rend()}, {b.count.rbegin(), b.count.rend()}});
    write_slab(full, meta, {shape.rbegin(), shape.rend()}, reversed, data);
}

void MpiNpzSerializer::commit() {
    State &s = *state_;
    const Comm &comm = *s.comm;
    agree_commit([&] { s.out->discard(true); }, [&] { s.out->discard(false); });
    try {
        std::unique_ptr<ZipWriter> zip;
        collectively(comm, [&] { zip = s.local->finish_members(); });
        const bool align = s.options.align_data;
        collectively(comm, [&] { s.spill->commit(); });  // flushed: its size is final
        const uint64_t spilled = s.spill->size();
        const uint64_t region = round_up(spilled, align), start = round_up(s.sharded_end, align);
        uint64_t before = 0, total = 0;
        check_mpi(MPI_Exscan(&region, &before, 1, MPI_UINT64_T, MPI_SUM, comm.get()), "MPI_Exscan", SER_EINTERNAL);
        check_mpi(MPI_Allreduce(&region, &total, 1, MPI_UINT64_T, MPI_SUM, comm.get()), "MPI_Allreduce", SER_EINTERNAL);
        if (comm.rank() == 0) before = 0;  // MPI_Exscan leaves rank 0's result undefined
        const uint64_t base = start + before;
        std::vector<CentralEntry> entries = zip->entries();
        for (CentralEntry &e : entries) e.offset += base;
        collectively(comm, [&] {
            s.spill->read_back(kCopyChunk, [&](uint64_t at, const void *data, size_t n) { s.out->write_at(base + at, data, n); });
        });
        zip.reset();
        const std::vector<RankedEntry> gathered = gather_entries(comm, entries);
        collectively(comm, [&] {
            if (comm.rank() != 0) return;
            std::vector<CentralEntry> directory = s.sharded;
            std::map<std::string, int> owner;  // -1: a sharded member
            for (const CentralEntry &e : s.sharded) owner[e.name] = -1;
            for (const RankedEntry &r : gathered) {
                const auto [it, fresh] = owner.emplace(r.entry.name, r.rank);
                if (!fresh) {
                    const std::string key = r.entry.name.substr(0, r.entry.name.size() - 4);
                    fail(SER_EEXISTS, where(s.file, key) + "put by " +
                                          (it->second < 0 ? std::string("ser_put_array_slab") : "rank " + std::to_string(it->second)) +
                                          " and by rank " + std::to_string(r.rank));
                }
                directory.push_back(r.entry);
            }
            const std::vector<unsigned char> cd = encode_central_directory(directory, start + total);
            s.out->write_at(start + total, cd.data(), cd.size());
        });
        s.out->commit();
    } catch (...) {
        s.out->discard(false);  // every failure above is agreed, so every rank closes the file with us
        throw;
    }
}

void MpiNpzSerializer::discard() noexcept {
    State &s = *state_;
    if (s.closed) return;
    s.closed = true;
    if (s.local) s.local->discard();  // closes the scratch file
    if (s.broken.code != SER_OK) return s.out->discard(true);
    try {
        agree_call(*s.comm, CallSignature("ser_discard"));
    } catch (...) {
        return s.out->discard(true);
    }
    s.out->discard(false);
}

}  // namespace chainerser::core
