#include "mpi/mpi_h5_serializer.h"

#include <climits>
#include <cstring>

#include "core/error.h"
#include "core/keypath.h"
#include "hdf5/hdf5_serializer.h"

namespace chainerser::core {

class MpiH5Serializer : public MpiSerializer {
public:
    struct State;  // shared by a root and its children
    MpiH5Serializer(std::string path, std::shared_ptr<State> state);
    ~MpiH5Serializer() override;

    void commit() override;
    void discard() noexcept override;

protected:
    std::unique_ptr<AbstractSerializer> make_child(std::string path) override;
    void write_entry(const std::string &key, const ConstArrayView &value) override;
    void write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                    const std::vector<Block> &blocks, const void *data) override;

private:
    std::shared_ptr<State> state_;
};

struct MpiH5Serializer::State : MpiSave {
    std::unique_ptr<AbstractSerializer> root;  // rank 0: the serial writer's root
    // Other ranks: their groups and entries, encoded for sending to rank 0 at commit.
    std::vector<unsigned char> pending;
};

namespace {

enum Record : unsigned char { kGroup = 1, kEntry = 2 };

void put_bytes(std::vector<unsigned char> &out, const void *data, size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    out.insert(out.end(), p, p + size);
}

void put_u64(std::vector<unsigned char> &out, uint64_t v) { put_bytes(out, &v, sizeof v); }

void put_string(std::vector<unsigned char> &out, const std::string &s) {
    put_u64(out, s.size());
    put_bytes(out, s.data(), s.size());
}

struct Reader {
    const unsigned char *p, *end;
    const unsigned char *take(uint64_t n) {
        if (uint64_t(end - p) < n) fail(SER_EINTERNAL, "entries from another rank are truncated");
        const unsigned char *at = p;
        p += n;
        return at;
    }
    uint64_t u64() {
        uint64_t v;
        std::memcpy(&v, take(8), 8);
        return v;
    }
    std::string string() {
        const uint64_t n = u64();
        return std::string(reinterpret_cast<const char *>(take(n)), size_t(n));
    }
};

// Writes the records of `rank` into rank 0's serial writer.
void replay(AbstractSerializer &root, const std::vector<unsigned char> &records, int rank, const std::string &file) {
    Reader r{records.data(), records.data() + records.size()};
    while (r.p != r.end) {
        const unsigned char kind = *r.take(1);
        const std::string key = r.string();
        if (kind == kGroup) {
            root.child(key);
            continue;
        }
        ser_array_info info;
        std::memcpy(&info, r.take(sizeof info), sizeof info);
        ConstArrayView v;
        v.meta = info.dtype == SER_NONE ? none_meta() : meta_from_info(info);
        v.nbytes = size_t(r.u64());
        v.data = r.take(v.nbytes);
        try {
            root.save(key, v);
        } catch (const Error &e) {
            if (e.code() != SER_EEXISTS) throw;
            fail(SER_EEXISTS, where(file, key) + "put by rank " + std::to_string(rank) + " and by a lower rank");
        }
    }
}

// Rank r > 0 sends its records to rank 0, which replays them in rank order.
void funnel(const Comm &comm, MpiH5Serializer::State &s) {
    constexpr uint64_t kStep = uint64_t(1) << 30;
    if (comm.rank() != 0) {
        const uint64_t n = s.pending.size();
        MPI_Send(&n, 1, MPI_UINT64_T, 0, 0, comm.get());
        for (uint64_t at = 0; at < n; at += kStep)
            MPI_Send(s.pending.data() + at, int(std::min(kStep, n - at)), MPI_BYTE, 0, 0, comm.get());
        s.pending = {};
        return;
    }
    // Rank 0 receives every rank's records even after one failed to replay, so no sender waits.
    std::string first_failure;
    int code = SER_OK;
    for (int r = 1; r < comm.size(); ++r) {
        uint64_t n = 0;
        MPI_Recv(&n, 1, MPI_UINT64_T, r, 0, comm.get(), MPI_STATUS_IGNORE);
        std::vector<unsigned char> records(static_cast<size_t>(n));
        for (uint64_t at = 0; at < n; at += kStep)
            MPI_Recv(records.data() + at, int(std::min(kStep, n - at)), MPI_BYTE, r, 0, comm.get(), MPI_STATUS_IGNORE);
        if (code != SER_OK) continue;
        const LocalStatus st = attempt([&] { replay(*s.root, records, r, s.file); });
        code = st.code, first_failure = st.message;
    }
    if (code != SER_OK) fail(code, first_failure);
}

}  // namespace

MpiH5Serializer::MpiH5Serializer(std::string path, std::shared_ptr<State> state)
    : MpiSerializer(std::move(path), state), state_(std::move(state)) {}

MpiH5Serializer::~MpiH5Serializer() = default;

std::unique_ptr<MpiSerializer> create_mpi_h5_writer(std::shared_ptr<Comm> comm, const std::string &file,
                                                       const WriteOptions &options) {
    auto s = std::make_shared<MpiH5Serializer::State>();
    s->comm = std::move(comm);
    s->file = file;
    collectively(*s->comm, [&] {
        if (s->comm->rank() == 0) s->root = Hdf5Serializer::create(file, options);
    });
    return std::make_unique<MpiH5Serializer>("", std::move(s));
}

std::unique_ptr<AbstractSerializer> MpiH5Serializer::make_child(std::string path) {
    State &s = *state_;
    s.check_open();
    if (s.root) {
        s.root->child(path);  // Chainer's require_group, at once as the serial writer does
    } else {
        s.pending.push_back(kGroup);
        put_string(s.pending, path);
    }
    return std::make_unique<MpiH5Serializer>(std::move(path), state_);
}

void MpiH5Serializer::write_entry(const std::string &key, const ConstArrayView &value) {
    State &s = *state_;
    s.check_open();
    if (s.root) return s.root->save(key, value);
    s.pending.push_back(kEntry);
    put_string(s.pending, key);
    const ser_array_info info = info_from_meta(value.meta);
    put_bytes(s.pending, &info, sizeof info);
    put_u64(s.pending, value.nbytes);
    put_bytes(s.pending, value.data, value.nbytes);
}

void MpiH5Serializer::write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                                 const std::vector<Block> &blocks, const void *data) {
    State &s = *state_;
    ByteBuffer whole = gather_array(*s.comm, 0, shape, global.type.itemsize, blocks, data, where(s.file, full));
    collectively(*s.comm, [&] {
        if (s.root) s.root->save(full, ConstArrayView{global, whole.data(), whole.size()});
    });
}

void MpiH5Serializer::commit() {
    State &s = *state_;
    const auto discard_root = [&] {
        if (s.root) s.root->discard();
    };
    agree_commit(discard_root, discard_root);
    try {
        collectively(*s.comm, [&] { funnel(*s.comm, s); });
        collectively(*s.comm, [&] {
            if (s.root) s.root->commit();
        });
    } catch (...) {
        discard_root();
        throw;
    }
}

void MpiH5Serializer::discard() noexcept {
    State &s = *state_;
    if (s.closed) return;
    s.closed = true;
    if (s.broken.code == SER_OK) {
        try {
            agree_call(*s.comm, CallSignature("ser_discard"));
        } catch (...) {
        }
    }
    if (s.root) s.root->discard();
}

}  // namespace chainerser::core
