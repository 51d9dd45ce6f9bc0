#include "npz/zip_writer.h"

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace chainerser::core {

ZipWriter::ZipWriter(std::string target) : name_(target), sink_(file_sink(target)) {}

ZipWriter::ZipWriter(std::string name, std::unique_ptr<ZipSink> sink) : name_(std::move(name)), sink_(std::move(sink)) {}

ZipWriter::~ZipWriter() { discard(); }

void ZipWriter::write_failed(int err) {
    // Part of the data may be in the file and the offsets no longer match: never commit it.
    failure_ = std::strerror(err);
    discard();
    fail(SER_EIO, name_ + ": write failed: " + failure_);
}

void ZipWriter::write(const void *data, size_t size) {
    position_ += size;
    if (int err = sink_->write(data, size)) write_failed(err);
}

void ZipWriter::patch_u32(uint64_t offset, uint32_t value) {
    const unsigned char le[4] = {uint8_t(value), uint8_t(value >> 8), uint8_t(value >> 16), uint8_t(value >> 24)};
    if (int err = sink_->patch(offset, le)) write_failed(err);
}

void ZipWriter::check_writable() const {
    if (!failure_.empty()) fail(SER_EIO, name_ + ": an earlier write failed (" + failure_ + ")");
    if (!sink_) fail(SER_EINVAL, name_ + ": the file is already closed");
    if (open_) fail(SER_EINTERNAL, name_ + ": member '" + open_->name + "' is not finished");
}

uint64_t ZipWriter::write_local_header(const std::string &name, const MemberSpec &spec, uint64_t comp_size, bool big) {
    const uint64_t offset = position_;
    const std::vector<unsigned char> h = encode_local_header(name, spec, comp_size, big, offset, name_);
    write(h.data(), h.size());
    return offset;
}

void ZipWriter::add(const std::string &name, const MemberSpec &spec, const ByteSpan *parts, size_t count,
                    std::future<uint32_t> *crc) {
    check_writable();
    uint64_t comp_size = 0;
    for (size_t i = 0; i < count; ++i) comp_size += parts[i].size;
    if (!spec.deflated && comp_size != spec.size) fail(SER_EINTERNAL, "stored member size mismatch");

    const uint64_t offset = write_local_header(name, spec, comp_size, needs_zip64_sizes(spec.size, comp_size));
    for (size_t i = 0; i < count; ++i)
        if (parts[i].size) write(parts[i].data, parts[i].size);
    MemberSpec written = spec;
    if (crc) {
        written.crc = crc->get();
        patch_u32(offset + kLocalCrcAt, written.crc);
    }
    entries_.push_back({name, written, comp_size, offset, {}, {}});
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

void ZipWriter::append(const ByteSpan &piece, uint64_t decoded_size, uint32_t decoded_crc) {
    if (!open_) fail(SER_EINTERNAL, name_ + ": append() without begin()");
    if (piece.size) write(piece.data, piece.size);
    open_->comp_size += piece.size;
    const uint64_t decoded_end = (open_->pieces.empty() ? 0 : open_->pieces.back().decoded) + decoded_size;
    open_->pieces.push_back({decoded_end, open_->comp_size});
    open_->crcs.push_back(decoded_crc);
}

void ZipWriter::end(uint32_t crc) {
    if (!open_) fail(SER_EINTERNAL, name_ + ": end() without begin()");
    OpenMember m = std::move(*open_);
    open_.reset();
    if (m.pieces.empty() || m.pieces.back().decoded != m.spec.size)
        fail(SER_EINTERNAL, name_ + ": the pieces of '" + m.name + "' do not add up to its size");
    m.pieces.pop_back();  // the last piece ends where the member does
    if (m.pieces.size() > kMaxWrittenPieceIndexEntries) m.pieces.clear(), m.crcs.clear();  // no room: no index
    if (m.pieces.empty()) m.crcs.clear();
    patch_u32(m.offset + kLocalCrcAt, crc);
    if (!m.big) patch_u32(m.offset + kLocalCompSizeAt, uint32_t(m.comp_size));
    const uint64_t zip64_comp_size = m.offset + local_zip64_comp_size_at(m.name);
    patch_u32(zip64_comp_size, uint32_t(m.comp_size));
    patch_u32(zip64_comp_size + 4, uint32_t(m.comp_size >> 32));
    MemberSpec written = m.spec;
    written.crc = crc;
    entries_.push_back({m.name, written, m.comp_size, m.offset, std::move(m.pieces), std::move(m.crcs)});
}

void ZipWriter::abandon(const std::string &why) noexcept {
    if (failure_.empty()) failure_ = why;
    open_.reset();
    discard();
}

void ZipWriter::finish_members() const {
    if (!failure_.empty()) fail(SER_EIO, name_ + ": not saved, an earlier write failed (" + failure_ + ")");
    if (!sink_) fail(SER_EINVAL, name_ + ": the file is already closed");
    if (open_) fail(SER_EINTERNAL, name_ + ": member '" + open_->name + "' is not finished");
}

void ZipWriter::commit() {
    finish_members();
    try {
        const std::vector<unsigned char> directory = encode_central_directory(entries_, position_);
        write(directory.data(), directory.size());
        std::unique_ptr<ZipSink> sink = std::move(sink_);
        sink->commit();
    } catch (...) {
        discard();
        throw;
    }
}

void ZipWriter::discard() noexcept {
    if (sink_) sink_->discard();
    sink_.reset();
}

}  // namespace chainerser::core
