#include "npz/zip_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace chainerser::core {
namespace {

// CPython's zipfile switches to zip64 values above 2 GiB - 1 (ZIP64_LIMIT) and 65535 members.
constexpr uint64_t kZip64Limit = (uint64_t(1) << 31) - 1;
constexpr uint64_t kFileCountLimit = 0xffff;
constexpr size_t kBufferSize = size_t(1) << 20;
constexpr uint16_t kDosDate = 0x0021;  // 1980-01-01, what zipfile.open(name, 'w') records
constexpr uint32_t kUnixMode0600 = 0600u << 16;
constexpr uint16_t kMadeByUnix = 3 << 8;
constexpr uint16_t kPaddingExtraId = 0xc5a1;  // an unregistered id: readers skip unknown extras

class Bytes {
public:
    Bytes &u16(uint64_t v) { return put(v, 2); }
    Bytes &u32(uint64_t v) { return put(v, 4); }
    Bytes &u64(uint64_t v) { return put(v, 8); }
    Bytes &raw(const std::string &s) {
        b_.insert(b_.end(), s.begin(), s.end());
        return *this;
    }
    Bytes &zeros(size_t n) {
        b_.insert(b_.end(), n, 0);
        return *this;
    }
    const std::vector<unsigned char> &data() const { return b_; }

private:
    Bytes &put(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) b_.push_back(static_cast<unsigned char>(v >> (8 * i)));
        return *this;
    }
    std::vector<unsigned char> b_;
};

bool is_ascii(const std::string &s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

uint16_t flags_for(const std::string &name) { return is_ascii(name) ? 0 : 0x800; }  // bit 11: UTF-8 name

}  // namespace

ZipWriter::ZipWriter(std::string target) : replace_(std::move(target)) {
    fd_ = ::open(replace_.temp_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd_ < 0) fail(SER_EIO, replace_.target() + ": cannot open a file beside it: " + std::strerror(errno));
    buffer_.reserve(kBufferSize);
}

ZipWriter::~ZipWriter() { discard(); }

void ZipWriter::write_failed(ssize_t n) {
    // Part of the data may be in the file and the offsets no longer match: never commit it.
    failure_ = std::strerror(n < 0 ? errno : EIO);
    discard();
    fail(SER_EIO, replace_.target() + ": write failed: " + failure_);
}

void ZipWriter::flush() {
    const unsigned char *p = buffer_.data();
    size_t left = buffer_.size();
    while (left) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) write_failed(n);
        p += n, left -= size_t(n), written_ += uint64_t(n);
    }
    buffer_.clear();
    start_writeback();
}

void ZipWriter::start_writeback() {
    // Ask the kernel to start writing what we have so far, so that the fsync at commit (which a
    // durable save needs) finds little left to do. Best effort: an error here changes nothing.
    constexpr uint64_t kStep = uint64_t(32) << 20;
    if (written_ - writeback_from_ < kStep) return;
    ::sync_file_range(fd_, off_t(writeback_from_), off_t(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
}

void ZipWriter::write(const void *data, size_t size) {
    position_ += size;
    if (buffer_.size() + size <= kBufferSize) {
        const auto *p = static_cast<const unsigned char *>(data);
        buffer_.insert(buffer_.end(), p, p + size);
        return;
    }
    flush();
    const auto *p = static_cast<const unsigned char *>(data);
    while (size) {  // large payloads go straight to the file
        ssize_t n = ::write(fd_, p, std::min<size_t>(size, size_t(32) << 20));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) write_failed(n);
        p += n, size -= size_t(n), written_ += uint64_t(n);
        start_writeback();
    }
}

void ZipWriter::patch_u32(uint64_t offset, uint32_t value) {
    const unsigned char le[4] = {uint8_t(value), uint8_t(value >> 8), uint8_t(value >> 16), uint8_t(value >> 24)};
    if (offset >= written_) {  // still in the buffer
        std::memcpy(buffer_.data() + (offset - written_), le, 4);
        return;
    }
    ssize_t n;
    do n = ::pwrite(fd_, le, 4, off_t(offset));
    while (n < 0 && errno == EINTR);
    if (n != 4) write_failed(n);
}

void ZipWriter::check_writable() const {
    if (!failure_.empty()) fail(SER_EIO, replace_.target() + ": an earlier write failed (" + failure_ + ")");
    if (fd_ < 0) fail(SER_EINVAL, replace_.target() + ": the file is already closed");
    if (open_) fail(SER_EINTERNAL, replace_.target() + ": member '" + open_->name + "' is not finished");
}

uint64_t ZipWriter::write_local_header(const std::string &name, const MemberSpec &spec, uint64_t comp_size, bool big) {
    if (name.size() > 0xffff) fail(SER_EINVAL, replace_.target() + ": member name longer than 65535 bytes");
    const uint64_t offset = position_;
    // Every local header carries the 20-byte zip64 extra, as numpy (force_zip64=True) writes it.
    size_t extra = 20;
    if (spec.align_offset && !spec.deflated) {
        uint64_t data_at = offset + 30 + name.size() + extra + spec.align_offset;
        size_t pad = size_t((64 - data_at % 64) % 64);
        if (pad && pad < 4) pad += 64;  // a padding extra field needs at least its 4-byte header
        extra += pad;
    }
    Bytes h;
    h.u32(0x04034b50).u16(big ? 45 : 20).u16(flags_for(name)).u16(spec.deflated ? 8 : 0).u16(0).u16(kDosDate);
    h.u32(spec.crc).u32(big ? 0xffffffffu : comp_size).u32(big ? 0xffffffffu : spec.size);
    h.u16(name.size()).u16(extra).raw(name);
    h.u16(0x0001).u16(16).u64(spec.size).u64(comp_size);
    if (extra > 20) h.u16(kPaddingExtraId).u16(extra - 24).zeros(extra - 24);
    write(h.data().data(), h.data().size());
    return offset;
}

void ZipWriter::add(const std::string &name, const MemberSpec &spec, const ByteSpan *parts, size_t count,
                    std::future<uint32_t> *crc) {
    check_writable();
    uint64_t comp_size = 0;
    for (size_t i = 0; i < count; ++i) comp_size += parts[i].size;
    if (!spec.deflated && comp_size != spec.size) fail(SER_EINTERNAL, "stored member size mismatch");

    const uint64_t offset =
        write_local_header(name, spec, comp_size, spec.size > kZip64Limit || comp_size > kZip64Limit);
    for (size_t i = 0; i < count; ++i)
        if (parts[i].size) write(parts[i].data, parts[i].size);
    MemberSpec written = spec;
    if (crc) {
        written.crc = crc->get();
        patch_u32(offset + 14, written.crc);  // the local header's CRC field
    }
    entries_.push_back({name, written, comp_size, offset, {}});
}

void ZipWriter::begin(const std::string &name, const MemberSpec &spec) {
    check_writable();
    auto m = std::make_unique<OpenMember>();
    m->name = name;
    m->spec = spec;
    m->spec.deflated = true;
    // The compressed size is not known yet. A member of up to 2 GiB deflates to under 4 GiB, so
    // its 32-bit field can take the size later, as zipfile writes it when it fits.
    m->big = spec.size > kZip64Limit;
    m->offset = write_local_header(name, m->spec, 0, m->big);
    open_ = std::move(m);
}

void ZipWriter::append(const ByteSpan &piece, uint64_t decoded_size) {
    if (!open_) fail(SER_EINTERNAL, replace_.target() + ": append() without begin()");
    if (piece.size) write(piece.data, piece.size);
    open_->comp_size += piece.size;
    const uint64_t decoded_end = (open_->pieces.empty() ? 0 : open_->pieces.back().decoded) + decoded_size;
    open_->pieces.push_back({decoded_end, open_->comp_size});
}

void ZipWriter::end(uint32_t crc) {
    if (!open_) fail(SER_EINTERNAL, replace_.target() + ": end() without begin()");
    OpenMember m = std::move(*open_);
    open_.reset();
    if (m.pieces.empty() || m.pieces.back().decoded != m.spec.size)
        fail(SER_EINTERNAL, replace_.target() + ": the pieces of '" + m.name + "' do not add up to its size");
    m.pieces.pop_back();  // the last piece ends where the member does
    if (m.pieces.size() > kMaxPieceIndexEntries) m.pieces.clear();  // no room in the directory: no index
    patch_u32(m.offset + 14, crc);
    if (!m.big) patch_u32(m.offset + 18, uint32_t(m.comp_size));
    const uint64_t zip64_comp_size = m.offset + 30 + m.name.size() + 4 + 8;  // in the zip64 extra
    patch_u32(zip64_comp_size, uint32_t(m.comp_size));
    patch_u32(zip64_comp_size + 4, uint32_t(m.comp_size >> 32));
    MemberSpec written = m.spec;
    written.crc = crc;
    entries_.push_back({m.name, written, m.comp_size, m.offset, std::move(m.pieces)});
}

void ZipWriter::abandon(const std::string &why) noexcept {
    if (failure_.empty()) failure_ = why;
    open_.reset();
    discard();
}

void ZipWriter::write_central_directory() {
    const uint64_t cd_start = position_;
    for (const CentralEntry &e : entries_) {
        const bool sizes64 = e.spec.size > kZip64Limit || e.comp_size > kZip64Limit;
        const bool offset64 = e.offset > kZip64Limit;
        const uint16_t version = sizes64 || offset64 ? 45 : 20;
        Bytes zip64;
        if (sizes64) zip64.u64(e.spec.size).u64(e.comp_size);
        if (offset64) zip64.u64(e.offset);
        Bytes index;
        for (const PieceEnd &p : e.pieces) index.u64(p.decoded).u64(p.compressed);
        const size_t zip64_extra = zip64.data().empty() ? 0 : 4 + zip64.data().size();
        const size_t extra = zip64_extra + (e.pieces.empty() ? 0 : 4 + index.data().size());
        Bytes c;
        c.u32(0x02014b50).u16(kMadeByUnix | version).u16(version).u16(flags_for(e.name));
        c.u16(e.spec.deflated ? 8 : 0).u16(0).u16(kDosDate).u32(e.spec.crc);
        c.u32(sizes64 ? 0xffffffffu : e.comp_size).u32(sizes64 ? 0xffffffffu : e.spec.size);
        c.u16(e.name.size()).u16(extra).u16(0).u16(0).u16(0).u32(kUnixMode0600);
        c.u32(offset64 ? 0xffffffffu : e.offset).raw(e.name);
        if (zip64_extra) c.u16(0x0001).u16(zip64.data().size());
        write(c.data().data(), c.data().size());
        if (zip64_extra) write(zip64.data().data(), zip64.data().size());
        if (!e.pieces.empty()) {
            Bytes id;
            id.u16(kPieceIndexExtraId).u16(index.data().size());
            write(id.data().data(), id.data().size());
            write(index.data().data(), index.data().size());
        }
    }
    const uint64_t cd_size = position_ - cd_start, count = entries_.size();
    if (count > kFileCountLimit || cd_start > kZip64Limit || cd_size > kZip64Limit) {
        const uint64_t record = position_;
        Bytes z;
        z.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
        z.u64(count).u64(count).u64(cd_size).u64(cd_start);
        z.u32(0x07064b50).u32(0).u64(record).u32(1);
        write(z.data().data(), z.data().size());
    }
    Bytes end;
    end.u32(0x06054b50).u16(0).u16(0).u16(std::min(count, kFileCountLimit)).u16(std::min(count, kFileCountLimit));
    end.u32(std::min<uint64_t>(cd_size, 0xffffffffu)).u32(std::min<uint64_t>(cd_start, 0xffffffffu)).u16(0);
    write(end.data().data(), end.data().size());
}

void ZipWriter::commit() {
    if (!failure_.empty()) fail(SER_EIO, replace_.target() + ": not saved, an earlier write failed (" + failure_ + ")");
    if (fd_ < 0) fail(SER_EINVAL, replace_.target() + ": the file is already closed");
    if (open_) fail(SER_EINTERNAL, replace_.target() + ": member '" + open_->name + "' is not finished");
    try {
        write_central_directory();
        flush();
    } catch (...) {
        discard();
        throw;
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        replace_.abandon();
        fail(SER_EIO, replace_.target() + ": close failed: " + std::strerror(errno));
    }
    replace_.commit();
}

void ZipWriter::discard() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    replace_.abandon();
}

}  // namespace chainerser::core
