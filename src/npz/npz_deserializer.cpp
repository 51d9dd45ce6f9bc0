#include "npz/npz_deserializer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/block.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "npz/none_pickle.h"
#include "npz/npy_header.h"
#include "npz/zip_reader.h"

namespace chainerser::core {


struct NpzDeserializer::Archive {
    std::unique_ptr<ZipReader> zip;
    std::vector<std::string> keys;  // sorted
    std::vector<uint64_t> members;  // members[i]: the zip member holding keys[i]
    std::mutex mutex;
    struct Parsed {
        ArrayMeta meta;
        uint64_t data_offset = 0;
        bool decoded = false;
    };
    std::vector<Parsed> headers;  // headers[i]: keys[i]'s npy header, once decoded

    std::optional<size_t> index_of(const std::string &key) const {
        auto it = std::lower_bound(keys.begin(), keys.end(), key);
        if (it == keys.end() || *it != key) return std::nullopt;
        return size_t(it - keys.begin());
    }
};

NpzDeserializer::NpzDeserializer(std::string path, std::shared_ptr<const LoadOptions> options,
                                 std::shared_ptr<Archive> archive)
    : AbstractDeserializer(std::move(path), std::move(options)), archive_(std::move(archive)) {}

NpzDeserializer::~NpzDeserializer() = default;

std::unique_ptr<AbstractDeserializer> NpzDeserializer::open(const std::string &file, std::string prefix,
                                                            std::shared_ptr<const LoadOptions> options) {
    auto archive = std::make_shared<Archive>();
    ZipLimits limits;
    limits.max_members = options->max_members;
    limits.max_inflate_ratio = options->max_inflate_ratio;
    archive->zip = std::make_unique<ZipReader>(file, limits);
    // Sorted vectors rather than a map: opening an archive of 40,000 members is mostly this.
    const auto &members = archive->zip->members();
    std::vector<std::string_view> key_of(members.size());
    for (uint64_t i = 0; i < members.size(); ++i) {
        const std::string_view name = members[i].name;
        // numpy lists 'x.npy' as key 'x'; a member without the suffix keeps its name.
        const bool npy = name.size() > 4 && name.substr(name.size() - 4) == ".npy";
        key_of[i] = npy ? name.substr(0, name.size() - 4) : name;
    }
    // Member indices ordered by key (then index); zip writers usually list them sorted already.
    std::vector<uint64_t> order(members.size());
    for (uint64_t i = 0; i < order.size(); ++i) order[i] = i;
    auto by_key = [&](uint64_t a, uint64_t b) { return key_of[a] < key_of[b] || (key_of[a] == key_of[b] && a < b); };
    if (!std::is_sorted(order.begin(), order.end(), by_key)) std::sort(order.begin(), order.end(), by_key);
    archive->keys.reserve(order.size());
    archive->members.reserve(order.size());
    for (const uint64_t member : order) {
        if (!archive->keys.empty() && archive->keys.back() == key_of[member])
            fail(SER_EFORMAT, file + ": member '" + members[member].name + "' appears twice in the archive");
        archive->keys.emplace_back(key_of[member]);
        archive->members.push_back(member);
    }
    archive->headers.resize(archive->keys.size());
    return std::make_unique<NpzDeserializer>(std::move(prefix), std::move(options), std::move(archive));
}

const std::string &NpzDeserializer::file_name() const { return archive_->zip->path(); }

std::unique_ptr<AbstractDeserializer> NpzDeserializer::make_child(std::string path) {
    return std::make_unique<NpzDeserializer>(std::move(path), shared_options(), archive_);
}

const std::vector<std::string> &NpzDeserializer::all_keys() { return archive_->keys; }

std::optional<ArrayMeta> NpzDeserializer::stat_entry(const std::string &key) {
    const std::optional<size_t> index = archive_->index_of(key);  // keys never change after open
    if (!index) return std::nullopt;
    {
        std::lock_guard<std::mutex> lock(archive_->mutex);
        const Archive::Parsed &cached = archive_->headers[*index];
        if (cached.decoded) return cached.meta;
    }
    const uint64_t member = archive_->members[*index];
    // Decoded without the lock, so that threads reading different keys overlap; two threads
    // decoding the same header store the same result.
    ZipReader &zip = *archive_->zip;
    const uint64_t size = zip.members()[member].size;
    const std::string at = where(file_name(), key);
    const uint64_t max_header = options().max_header_bytes;
    try {
        // One read holds the whole header of nearly every member (NumPy pads it to 64 or 128 bytes).
        unsigned char first[512];
        const size_t got = zip.read_prefix(member, first, sizeof first, at);
        const uint64_t offset = npy_data_offset(first, got, max_header);
        if (offset > size) fail(SER_EFORMAT, "npy header runs past the end of the member");
        std::vector<unsigned char> longer;
        const unsigned char *head = first;
        if (offset > got) {
            longer.resize(static_cast<size_t>(offset));
            if (zip.read_prefix(member, longer.data(), longer.size(), at) != longer.size())
                fail(SER_EFORMAT, "truncated npy header");
            head = longer.data();
        }
        NpyHeader h = decode_npy_header(head, size_t(offset), max_header);
        if (h.meta.is_none()) {
            if (!h.meta.shape.empty()) fail(SER_EUNSUPPORTED, "object arrays other than None are not supported");
            uint64_t plen = size - offset;
            if (plen > kMaxNonePickleBytes) fail(SER_EUNSUPPORTED, "object array (pickle) that is not None");
            std::vector<unsigned char> whole(static_cast<size_t>(size));
            zip.read_range(member, 0, whole.data(), size, at);
            if (!is_none_pickle(whole.data() + offset, size_t(plen)))
                fail(SER_EUNSUPPORTED, "object array (pickle) that is not None; only Chainer's None is read");
            h.meta = none_meta();
        } else {
            uint64_t need = h.meta.nbytes();
            if (need > size - offset)
                fail(SER_EFORMAT, "dtype " + descr_of(h.meta.type) + " and shape " + h.meta.shape_repr() + " need " +
                                      std::to_string(need) + " bytes but the member holds " +
                                      std::to_string(size - offset));
        }
        std::lock_guard<std::mutex> lock(archive_->mutex);
        archive_->headers[*index] = {h.meta, offset, true};
        return h.meta;
    } catch (const Error &e) {
        std::string msg = e.what();
        if (msg.compare(0, at.size(), at) == 0) throw;
        fail(e.code(), at + msg);
    }
}

std::pair<uint64_t, uint64_t> NpzDeserializer::located(const std::string &key) {
    const std::optional<size_t> index = archive_->index_of(key);
    std::lock_guard<std::mutex> lock(archive_->mutex);
    if (!index || !archive_->headers[*index].decoded)
        fail(SER_EINTERNAL, where(file_name(), key) + "read before stat");
    return {archive_->members[*index], archive_->headers[*index].data_offset};
}

void NpzDeserializer::read_entry(const std::string &key, const ArrayMeta &meta, void *buf) {
    const auto [member, offset] = located(key);
    ThreadPool *pool = archive_->zip->members()[member].pieces.empty() ? nullptr : options().workers->pool();
    archive_->zip->read_range(member, offset, buf, meta.nbytes(), where(file_name(), key), pool);
}

void NpzDeserializer::read_block(const std::string &key, const ArrayMeta &block, const std::vector<int64_t> &offset,
                                 void *buf) {
    const ArrayMeta entry = *stat_entry(key);
    const auto location = located(key);  // not a structured binding: lambdas below capture it (C++17)
    const uint64_t member = location.first, data_offset = location.second;
    std::vector<int64_t> shape = entry.shape, from = offset, count = block.shape;
    if (block.fortran_order) {  // column-major: the same runs with the axes reversed
        std::reverse(shape.begin(), shape.end());
        std::reverse(from.begin(), from.end());
        std::reverse(count.begin(), count.end());
    }
    ZipReader &zip = *archive_->zip;
    const std::string at = where(file_name(), key);
    auto *out = static_cast<unsigned char *>(buf);
    const ZipEntry &m = zip.members()[member];
    if (m.method == 8 && !m.piece_crcs.empty()) {
        // Only the pieces that hold the block, each checked against its own CRC-32.
        std::vector<MemberRun> runs;
        for_each_block_run(shape, from, count, entry.type.itemsize, [&](uint64_t src, uint64_t dst, uint64_t n) {
            runs.push_back({data_offset + src, dst, n});
        });
        if (zip.read_runs_in_pieces(member, runs, buf, options().workers->pool(), at)) return;
        // An index that does not match its member is ignored: the member is read whole.
    }
    const unsigned char *source;
    std::vector<unsigned char> whole;
    if (m.method == 0) {
        source = zip.mapping(at) + zip.data_offset(member, at) + data_offset;
    } else {
        whole.resize(entry.nbytes());
        read_entry(key, entry, whole.data());
        source = whole.data();
    }
    for_each_block_run(shape, from, count, entry.type.itemsize,
                       [&](uint64_t src, uint64_t dst, uint64_t n) { std::memcpy(out + dst, source + src, n); });
}

const void *NpzDeserializer::view(std::string_view key, ArrayMeta &meta) {
    meta = info(key);
    const std::string k = full_key(key);
    const std::string at = where(file_name(), k);
    if (meta.is_none()) fail(SER_EMISMATCH, at + "holds None, which has no data to view");
    const auto [member, offset] = located(k);
    ZipReader &zip = *archive_->zip;
    if (zip.members()[member].method != 0)
        fail(SER_EUNSUPPORTED, at + "the member is compressed; views need members stored without compression");
    const unsigned char *base = zip.mapping(at);
    return base + zip.data_offset(member, at) + offset;
}

}  // namespace chainerser::core
