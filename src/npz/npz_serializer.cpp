#include "npz/npz_serializer.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <future>
#include <utility>

#include "core/error.h"
#include "core/pipeline.h"
#include "codec/crc32.h"
#include "codec/deflate.h"
#include "npz/member_pieces.h"
#include "npz/none_pickle.h"
#include "npz/npy_header.h"
#include "npz/zip_writer.h"

namespace chainerser::core {
namespace {

// Members compressed but not yet written may hold this many input bytes, in at most this many
// jobs, before put() waits.
constexpr uint64_t kMaxInflightBytes = uint64_t(24) << 20;
constexpr size_t kMaxInflightJobs = 64;
// Smaller members go to a worker in batches of about this many bytes: one job per member would
// cost more than compressing it (each deflate call starts by clearing its match tables).
constexpr uint64_t kMinParallelBytes = uint64_t(64) << 10;
constexpr uint64_t kBatchBytes = uint64_t(256) << 10;

Deflated deflate_member(const ByteSpan *parts, size_t count, int level) {
    Deflated d;
    for (size_t i = 0; i < count; ++i) {
        d.size += parts[i].size;
        d.crc = crc32_update(d.crc, parts[i].data, parts[i].size);
    }
    d.stream = deflate_raw(parts, count, level);
    return d;
}

// Stored members this large have their CRC-32 computed on a worker while their bytes are written.
constexpr size_t kOverlappedCrcBytes = size_t(8) << 20;

// Members handed to one worker job, in put order: copies of their npy header and data (the caller
// keeps its buffers), back to back.
struct Job {
    std::vector<std::string> names;
    std::vector<size_t> ends;  // where each member's bytes end in `bytes`
    ByteBuffer bytes;

    size_t size() const { return ends.empty() ? 0 : ends.back(); }

    void append(std::string name, const ByteSpan *parts, size_t count) {
        size_t at = size();
        for (size_t k = 0; k < count; ++k) {
            if (parts[k].size) std::memcpy(bytes.data() + at, parts[k].data, parts[k].size);
            at += parts[k].size;
        }
        names.push_back(std::move(name));
        ends.push_back(at);
    }
};

// The members of one job, compressed, for writing in put order.
struct Compressed {
    std::vector<std::string> names;
    std::vector<Deflated> members;
};

}  // namespace

struct NpzSerializer::Archive {
    using Writer = std::function<void(Compressed &&)>;

    std::string file;
    WriteOptions options;
    std::unique_ptr<ZipWriter> zip;  // null once committed or discarded
    // Jobs compressing on the root's workers, written in put order; made on first use.
    std::unique_ptr<Pipeline<Compressed, Writer>> queue;
    Job batch;                       // small members not yet handed to a worker
    std::set<std::string> names;     // every member put so far
    // Large members deflated in pieces also without workers (one piece at a time), so that no
    // more than a piece's output is held (an MPI rank's own members).
    bool pieces_alone = false;

    void write_deflated(const std::string &name, const Deflated &d) {
        MemberSpec spec;
        spec.deflated = true;
        spec.size = d.size;
        spec.crc = d.crc;
        ByteSpan part{d.stream.data(), d.stream.size()};
        zip->add(name, spec, &part, 1);
    }

    void submit(Job job) {
        if (job.ends.empty()) return;
        if (!queue) {
            Writer write = [this](Compressed &&c) {
                for (size_t i = 0; i < c.names.size(); ++i) write_deflated(c.names[i], c.members[i]);
            };
            // Up to kMaxInflightBytes of input may wait to be written before put() waits.
            queue = std::make_unique<Pipeline<Compressed, Writer>>(options.workers->pool(), std::move(write),
                                                                   PipelineLimits{kMaxInflightJobs, kMaxInflightBytes});
        }
        const int level = options.level;
        const uint64_t input_bytes = job.size();
        auto members = std::make_shared<Job>(std::move(job));
        queue->push(
            [members, level] {
                Compressed out;
                size_t from = 0;
                for (size_t end : members->ends) {
                    const ByteSpan member{members->bytes.data() + from, end - from};
                    out.members.push_back(deflate_member(&member, 1, level));
                    from = end;
                }
                out.names = std::move(members->names);
                members->bytes = ByteBuffer();  // not needed while the output waits for its turn
                return out;
            },
            input_bytes, /*take_ready=*/true);
    }

    void submit_batch() { submit(std::exchange(batch, Job())); }

    // Writes every member handed to the workers so far.
    void drain() {
        if (queue) queue->finish();
    }

    // parts: the npy header, then the caller's data, streamed straight from its buffer.
    void write_stored(const std::string &name, const ByteSpan (&parts)[2]) {
        MemberSpec spec;
        spec.size = parts[0].size + parts[1].size;
        spec.align_offset = options.align_data ? parts[0].size : 0;
        const uint32_t header_crc = crc32_update(0, parts[0].data, parts[0].size);
        const ByteSpan data = parts[1];
        ThreadPool *pool = data.size < kOverlappedCrcBytes ? nullptr : options.workers->pool();
        if (!pool) {
            spec.crc = crc32_update(header_crc, data.data, data.size);
            zip->add(name, spec, parts, 2);
            return;
        }
        std::future<uint32_t> crc = pool->submit([header_crc, data] { return crc32_update(header_crc, data.data, data.size); });
        try {
            zip->add(name, spec, parts, 2, &crc);
        } catch (...) {
            if (crc.valid()) crc.wait();  // it reads the caller's buffer, which is the caller's again once we throw
            throw;
        }
    }

    // Deflates a large member piece by piece on the workers, a few pieces ahead of the writing,
    // straight from the caller's buffer.
    void write_in_pieces(const std::string &name, const ByteSpan (&parts)[2], ThreadPool *pool) {
        submit_batch();
        drain();  // the members put before this one go first
        const ByteSpan header = parts[0], data = parts[1];
        const size_t per = piece_bytes(data.size), pieces = (data.size + per - 1) / per;
        const int level = options.level;
        MemberSpec spec;
        spec.size = header.size + data.size;
        try {
            zip->begin(name, spec);
            uint32_t crc = 0;
            run_in_order(
                pool, pieces, [&](size_t i) { return deflate_piece(header, data, per, i, pieces, level); },
                [&](size_t, const Deflated &piece) {
                    crc = crc32_concat(crc, piece.crc, piece.size);
                    zip->append({piece.stream.data(), piece.stream.size()}, piece.size, piece.crc);
                    return true;
                });
            zip->end(crc);
        } catch (const std::exception &e) {
            zip->abandon("member '" + name + "' was not completed: " + e.what());
            throw;
        }
    }

    // parts: the npy header, then the caller's data, which is copied if compressed on a worker.
    void write_compressed(const std::string &name, const ByteSpan (&parts)[2]) {
        ThreadPool *pool = options.workers->pool();
        if (!pool && pieces_alone && parts[1].size >= kSplitBytes) return write_in_pieces(name, parts, nullptr);
        if (!pool) {
            write_deflated(name, deflate_member(parts, 2, options.level));
            return;
        }
        if (parts[1].size >= kSplitBytes) return write_in_pieces(name, parts, pool);
        const size_t size = parts[0].size + parts[1].size;
        if (size < kMinParallelBytes) {
            // A batch is handed on once it reaches kBatchBytes, so it never outgrows this.
            if (batch.names.empty()) batch.bytes = ByteBuffer(kBatchBytes + kMinParallelBytes);
            batch.append(name, parts, 2);
            if (batch.size() >= kBatchBytes) submit_batch();
        } else {
            submit_batch();  // the small members put before this one stay before it in the file
            Job one;
            one.bytes = ByteBuffer(size);
            one.append(name, parts, 2);
            submit(std::move(one));
        }
    }

    void abandon() noexcept {
        if (queue) queue->abandon();
        batch = Job();
        zip.reset();
    }
};

NpzSerializer::NpzSerializer(std::string path, std::shared_ptr<Archive> archive)
    : AbstractSerializer(std::move(path)), archive_(std::move(archive)) {}

NpzSerializer::~NpzSerializer() = default;

std::unique_ptr<AbstractSerializer> NpzSerializer::create(const std::string &file, const WriteOptions &options) {
    return create_with(std::make_unique<ZipWriter>(file), file, options);
}

std::unique_ptr<NpzSerializer> NpzSerializer::create_with(std::unique_ptr<ZipWriter> zip, const std::string &file,
                                                          const WriteOptions &options, bool pieces_alone) {
    auto archive = std::make_shared<Archive>();
    archive->pieces_alone = pieces_alone;
    archive->file = file;
    archive->options = with_default_level(options, 6);  // zlib's default, as numpy uses
    archive->zip = std::move(zip);
    return std::make_unique<NpzSerializer>("", std::move(archive));
}

std::unique_ptr<AbstractSerializer> NpzSerializer::make_child(std::string path) {
    return std::make_unique<NpzSerializer>(std::move(path), archive_);
}

const std::string &NpzSerializer::file_name() const { return archive_->file; }

void NpzSerializer::write_entry(const std::string &key, const ConstArrayView &value) {
    Archive &a = *archive_;
    if (!a.zip) fail(SER_EINVAL, a.file + ": the file is already closed");
    ArrayMeta meta = value.meta;
    const void *data = value.data;
    size_t nbytes = value.nbytes;
    if (meta.is_none()) {  // numpy.asarray(None): a 0-d object array holding the None pickle
        meta.shape.clear();
        data = none_pickle().data();
        nbytes = none_pickle().size();
    }
    meta.fortran_order = numpy_fortran_order(meta);
    const std::string header = encode_npy_header(meta);
    const ByteSpan parts[2] = {{header.data(), header.size()}, {data, nbytes}};
    const std::string name = key + ".npy";
    // Checked here, not when the member reaches the file: with members queued for compression
    // that happens later, and the caller must hear about its second put of a key from that put.
    if (!a.names.insert(name).second) fail(SER_EEXISTS, a.file + ": key '" + key + "' written twice");

    if (!a.options.compress)
        a.write_stored(name, parts);
    else
        a.write_compressed(name, parts);
}

std::unique_ptr<ZipWriter> NpzSerializer::finish_members() {
    Archive &a = *archive_;
    if (!a.zip) fail(SER_EINVAL, a.file + ": the file is already closed");
    try {
        a.submit_batch();
        a.drain();
        a.zip->finish_members();
        return std::move(a.zip);
    } catch (...) {
        a.abandon();
        throw;
    }
}

void NpzSerializer::commit() { finish_members()->commit(); }

void NpzSerializer::discard() noexcept { archive_->abandon(); }

}  // namespace chainerser::core
