#include "npz/zip_reader.h"

#include <zip.h>

#include <algorithm>
#include <memory>

#include "core/error.h"

namespace chainerser {
namespace {

// libzip 1.7.3 mishandles single reads of 4 GiB and more; stay well below.
constexpr uint64_t kMaxRead = uint64_t(1) << 30;

int code_for_zip_error(int ze) {
    switch (ze) {
        case ZIP_ER_NOENT: return SER_ENOTFOUND;
        case ZIP_ER_MEMORY: return SER_ENOMEM;
        case ZIP_ER_OPEN:
        case ZIP_ER_READ:
        case ZIP_ER_SEEK:
        case ZIP_ER_WRITE:
        case ZIP_ER_CLOSE: return SER_EIO;
        case ZIP_ER_COMPNOTSUPP:
        case ZIP_ER_ENCRNOTSUPP: return SER_EUNSUPPORTED;
        default: return SER_EFORMAT;
    }
}

struct ZipFileCloser {
    void operator()(zip_file_t *f) const { zip_fclose(f); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

}  // namespace

ZipReader::ZipReader(std::string path) : path_(std::move(path)) {
    int err = 0;
    za_ = zip_open(path_.c_str(), ZIP_RDONLY, &err);
    if (!za_) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        if (err == ZIP_ER_NOZIP) why = "not a zip archive (no end of central directory found)";
        fail(code_for_zip_error(err), path_ + ": " + why);
    }
    zip_int64_t n = zip_get_num_entries(za_, 0);
    members_.reserve(size_t(n));
    for (zip_int64_t i = 0; i < n; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za_, zip_uint64_t(i), 0, &st) != 0)
            fail(SER_EFORMAT, path_ + ": member " + std::to_string(i) + ": " + zip_strerror(za_));
        ZipMember m;
        m.name = st.name ? st.name : "";
        m.size = st.size;
        m.comp_size = st.comp_size;
        m.method = st.comp_method;
        m.crc = st.crc;
        m.encrypted = st.encryption_method != ZIP_EM_NONE;
        members_.push_back(std::move(m));
    }
}

ZipReader::~ZipReader() {
    if (za_) zip_discard(za_);
}

void ZipReader::check_readable(uint64_t index, const std::string &what) const {
    const ZipMember &m = members_.at(index);
    if (m.encrypted) fail(SER_EUNSUPPORTED, what + "the member is encrypted");
    if (!zip_compression_method_supported(zip_int32_t(m.method), 0))
        fail(SER_EUNSUPPORTED, what + "unsupported zip compression method " + std::to_string(m.method));
}

size_t ZipReader::read_prefix(uint64_t index, void *buf, size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    check_readable(index, path_ + ": member '" + members_[index].name + "': ");
    ZipFilePtr f(zip_fopen_index(za_, index, 0));
    if (!f) fail(SER_EFORMAT, path_ + ": member '" + members_[index].name + "': " + zip_strerror(za_));
    n = size_t(std::min<uint64_t>(n, members_[index].size));
    size_t got = 0;
    while (got < n) {
        zip_int64_t r = zip_fread(f.get(), static_cast<char *>(buf) + got, n - got);
        if (r < 0) fail(SER_EFORMAT, path_ + ": member '" + members_[index].name + "': " + zip_file_strerror(f.get()));
        if (r == 0) break;
        got += size_t(r);
    }
    return got;
}

std::vector<unsigned char> ZipReader::read_stored_bytes(uint64_t index, const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex_);
    check_readable(index, what);
    ZipFilePtr f(zip_fopen_index(za_, index, ZIP_FL_COMPRESSED));
    if (!f) fail(SER_EFORMAT, what + zip_strerror(za_));
    std::vector<unsigned char> out(size_t(members_[index].comp_size));
    uint64_t got = 0;
    while (got < out.size()) {
        zip_int64_t r = zip_fread(f.get(), out.data() + got, std::min<uint64_t>(out.size() - got, kMaxRead));
        if (r < 0) fail(SER_EFORMAT, what + zip_file_strerror(f.get()));
        if (r == 0) fail(SER_EFORMAT, what + "member data ends early (file truncated?)");
        got += uint64_t(r);
    }
    return out;
}

void ZipReader::read_range(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex_);
    check_readable(index, what);
    const uint64_t size = members_[index].size;
    if (offset > size || n > size - offset)
        fail(SER_EFORMAT, what + "needs " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                              " but the member holds " + std::to_string(size));
    ZipFilePtr f(zip_fopen_index(za_, index, 0));
    if (!f) fail(SER_EFORMAT, what + zip_strerror(za_));
    auto read_into = [&](char *dst, uint64_t len) {
        uint64_t got = 0;
        while (got < len) {
            zip_int64_t r = zip_fread(f.get(), dst + got, std::min(len - got, kMaxRead));
            if (r < 0) fail(SER_EFORMAT, what + zip_file_strerror(f.get()));
            if (r == 0) fail(SER_EFORMAT, what + "member ends after " + std::to_string(offset + got) + " of " +
                                              std::to_string(size) + " bytes");
            got += uint64_t(r);
        }
    };
    std::vector<char> scratch(size_t(std::min<uint64_t>(std::max<uint64_t>(offset, 1), uint64_t(1) << 16)));
    for (uint64_t skipped = 0; skipped < offset;) {
        uint64_t step = std::min<uint64_t>(offset - skipped, scratch.size());
        read_into(scratch.data(), step);
        skipped += step;
    }
    read_into(static_cast<char *>(buf), n);
    // Drain to the end so libzip compares the CRC-32 and size with the directory.
    uint64_t rest = size - offset - n;
    for (;;) {
        zip_int64_t r = zip_fread(f.get(), scratch.data(), scratch.size());
        if (r < 0) fail(SER_EFORMAT, what + zip_file_strerror(f.get()));
        if (r == 0) break;
        if (uint64_t(r) > rest) fail(SER_EFORMAT, what + "member holds more data than its directory entry says");
        rest -= uint64_t(r);
    }
    if (rest) fail(SER_EFORMAT, what + "member is shorter than its directory entry says");
}

}  // namespace chainerser
