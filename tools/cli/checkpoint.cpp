#include "checkpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cli {

const char *format_name(Format f) { return f == Format::Npz ? "npz" : "hdf5"; }

Format sniff_format(const std::string &path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        throw chainerser::Error(errno == ENOENT ? SER_ENOTFOUND : SER_EIO, path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw chainerser::Error(SER_EINVAL, path + ": is a directory, not a checkpoint file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw chainerser::Error(SER_EIO, path + ": " + std::strerror(errno));
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    auto signature_at = [&](uint64_t offset, const char *signature, size_t n) {
        char head[8];
        if (offset + n > size) return false;
        in.seekg(std::streamoff(offset));
        return in.read(head, std::streamsize(n)) && std::memcmp(head, signature, n) == 0;
    };
    // Zip: a local file header, or the end-of-directory record of an empty archive (np.savez()).
    if (signature_at(0, "PK\x03\x04", 4) || signature_at(0, "PK\x05\x06", 4)) return Format::Npz;
    // HDF5: the superblock signature at 0, 512, 1024, 2048, ... (after a user block).
    for (uint64_t offset = 0; offset + 8 <= size; offset = offset ? offset * 2 : 512)
        if (signature_at(offset, "\x89HDF\r\n\x1a\n", 8)) return Format::Hdf5;
    if (size == 0) throw chainerser::Error(SER_EFORMAT, path + ": empty file, neither NPZ nor HDF5");
    throw chainerser::Error(SER_EFORMAT, path + ": neither an NPZ (zip) nor an HDF5 file (no zip or HDF5 signature)");
}

Format format_for_writing(const std::string &path, const std::string &to) {
    auto ends_with = [&](const char *suffix) {
        size_t n = std::strlen(suffix);
        return path.size() >= n && path.compare(path.size() - n, n, suffix) == 0;
    };
    if (to == "npz") return Format::Npz;
    if (to == "h5" || to == "hdf5") return Format::Hdf5;
    if (!to.empty()) throw chainerser::Error(SER_EINVAL, "--to must be npz or h5, not '" + to + "'");
    if (ends_with(".h5") || ends_with(".hdf5")) return Format::Hdf5;
    if (ends_with(".npz")) return Format::Npz;
    throw chainerser::Error(SER_EINVAL, path + ": cannot tell the format from the name; use --to npz|h5");
}

chainerser::Handle open_checkpoint(const std::string &path, int32_t mode, Format format, const ser_options *options) {
    return format == Format::Npz ? chainerser::open_npz(path, mode, options) : chainerser::open_h5(path, mode, options);
}

std::string Entry::descr() const {
    char d[32];
    chainerser::check(ser_descr(d, sizeof d, &info));
    return d;
}

std::string Entry::shape() const {
    std::string s = "(";
    for (int32_t i = 0; i < info.ndim; ++i) s += (i ? ", " : "") + std::to_string(info.shape[i]);
    return s + (info.ndim == 1 ? ",)" : ")");
}

std::vector<Entry> list_entries(ser_handle *h) {
    size_t n = 0;
    chainerser::check(ser_key_count(&n, h));
    std::vector<Entry> out(n);
    for (size_t i = 0; i < n; ++i) {
        const char *key = nullptr;
        chainerser::check(ser_key_at(&key, h, i));
        out[i].key = key;
        chainerser::check(ser_get_info(&out[i].info, h, key));
    }
    return out;
}

namespace {
void require_little_endian_host() {
    const uint16_t probe = 1;
    if (*reinterpret_cast<const unsigned char *>(&probe) != 1)
        throw chainerser::Error(SER_EUNSUPPORTED, "canonical (little-endian) bytes need a little-endian host");
}
}  // namespace

std::vector<unsigned char> read_canonical(ser_handle *h, const Entry &e) {
    CanonicalBatch batch;
    batch.read(h, {e}, 0, 1);
    const CanonicalBytes bytes = batch[0];
    return std::vector<unsigned char>(bytes.data, bytes.data + bytes.size);
}

std::vector<std::pair<size_t, size_t>> batches_of(const std::vector<Entry> &entries) {
    std::vector<std::pair<size_t, size_t>> out;
    uint64_t bytes = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        const uint64_t n = entries[i].none() ? 0 : entries[i].info.nbytes;
        if (out.empty() || (bytes + n > kMaxBatchBytes && bytes > 0)) out.emplace_back(i, i), bytes = 0;
        out.back().second = i + 1;
        bytes += n;
    }
    return out;
}

void CanonicalBatch::read(ser_handle *h, const std::vector<Entry> &entries, size_t from, size_t to) {
    require_little_endian_host();
    offsets_.assign(1, 0);
    for (size_t i = from; i < to; ++i)
        offsets_.push_back(offsets_.back() + (entries[i].none() ? 0 : size_t(entries[i].info.nbytes)));
    if (offsets_.back() > capacity_) arena_.reset(new unsigned char[offsets_.back()]), capacity_ = offsets_.back();
    std::vector<ser_get_request> requests;
    for (size_t i = from; i < to; ++i) {
        const Entry &e = entries[i];
        if (e.none()) continue;
        unsigned char *buf = arena_.get() + offsets_[i - from];
        requests.push_back({e.key.c_str(), e.info.dtype, e.info.ndim, e.info.shape, buf, size_t(e.info.nbytes), 0, 0});
    }
    if (!requests.empty()) chainerser::check(ser_get_arrays(h, requests.data(), requests.size()));
}

void for_each_canonical(ser_handle *h, const std::vector<Entry> &entries,
                        const std::function<void(const Entry &, CanonicalBytes)> &use) {
    CanonicalBatch batch;
    for (const auto &[from, to] : batches_of(entries)) {
        batch.read(h, entries, from, to);
        for (size_t i = from; i < to; ++i) use(entries[i], batch[i - from]);
    }
}

unsigned long long file_size(const std::string &path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<unsigned long long>(st.st_size) : 0;
}

}  // namespace cli
