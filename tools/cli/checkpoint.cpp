#include "checkpoint.h"

#include <sys/stat.h>

#include <cstring>
#include <fstream>

namespace cli {

const char *format_name(Format f) { return f == Format::Npz ? "npz" : "hdf5"; }

Format sniff_format(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    char head[8] = {0};
    in.read(head, sizeof head);
    if (std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0) return Format::Hdf5;
    if (in.gcount() >= 2 && head[0] == 'P' && head[1] == 'K') return Format::Npz;
    // Unknown signature: let the extension decide, so the backend reports what is wrong.
    return format_for_writing(path, "");
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

std::vector<unsigned char> read_canonical(ser_handle *h, const Entry &e) {
    static_assert(sizeof(int) == 4, "");
    const uint16_t probe = 1;
    if (*reinterpret_cast<const unsigned char *>(&probe) != 1)
        throw chainerser::Error(SER_EUNSUPPORTED, "canonical (little-endian) bytes need a little-endian host");
    std::vector<unsigned char> buf(e.none() ? 0 : e.info.nbytes);
    if (e.none()) return buf;
    int32_t outcome;
    chainerser::check(ser_get_array(&outcome, h, e.key.c_str(), e.info.dtype, e.info.ndim, e.info.shape, buf.data(),
                                    buf.size()));
    return buf;
}

unsigned long long file_size(const std::string &path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<unsigned long long>(st.st_size) : 0;
}

}  // namespace cli
