#include "npz/zip_layout.h"

#include <algorithm>

#include "core/error.h"

namespace chainerser::core {
namespace {

constexpr uint64_t kFileCountLimit = 0xffff;
constexpr uint16_t kDosDate = 0x0021;  // 1980-01-01, what zipfile.open(name, 'w') records
constexpr uint32_t kUnixMode0600 = 0600u << 16;
constexpr uint16_t kMadeByUnix = 3 << 8;
constexpr uint16_t kPaddingExtraId = 0xc5a1;  // an unregistered id: readers skip unknown extras

class Bytes {
public:
    explicit Bytes(std::vector<unsigned char> &out) : b_(out) {}
    Bytes &u8(uint64_t v) { return put(v, 1); }
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

private:
    Bytes &put(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) b_.push_back(static_cast<unsigned char>(v >> (8 * i)));
        return *this;
    }
    std::vector<unsigned char> &b_;
};

bool is_ascii(const std::string &s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

uint16_t flags_for(const std::string &name) { return is_ascii(name) ? 0 : 0x800; }  // bit 11: UTF-8 name

}  // namespace

std::vector<unsigned char> encode_local_header(const std::string &name, const MemberSpec &spec, uint64_t comp_size,
                                               bool big, uint64_t offset, const std::string &file) {
    if (name.size() > 0xffff) fail(SER_EINVAL, file + ": member name longer than 65535 bytes");
    // Every local header carries the 20-byte zip64 extra, as numpy (force_zip64=True) writes it.
    size_t extra = 20;
    if (spec.align_offset && !spec.deflated) {
        uint64_t data_at = offset + 30 + name.size() + extra + spec.align_offset;
        size_t pad = size_t((64 - data_at % 64) % 64);
        if (pad && pad < 4) pad += 64;  // a padding extra field needs at least its 4-byte header
        extra += pad;
    }
    std::vector<unsigned char> out;
    Bytes h(out);
    h.u32(0x04034b50).u16(big ? 45 : 20).u16(flags_for(name)).u16(spec.deflated ? 8 : 0).u16(0).u16(kDosDate);
    h.u32(spec.crc).u32(big ? 0xffffffffu : comp_size).u32(big ? 0xffffffffu : spec.size);
    h.u16(name.size()).u16(extra).raw(name);
    h.u16(0x0001).u16(16).u64(spec.size).u64(comp_size);
    if (extra > 20) h.u16(kPaddingExtraId).u16(extra - 24).zeros(extra - 24);
    return out;
}

std::vector<unsigned char> encode_central_directory(const std::vector<CentralEntry> &entries, uint64_t start) {
    std::vector<unsigned char> out;
    Bytes c(out);
    for (const CentralEntry &e : entries) {
        const bool sizes64 = needs_zip64_sizes(e.spec.size, e.comp_size);
        const bool offset64 = e.offset > kZip64Limit;
        const uint16_t version = sizes64 || offset64 ? 45 : 20;
        const size_t zip64_size = (sizes64 ? 16 : 0) + (offset64 ? 8 : 0);
        const size_t zip64_extra = zip64_size ? 4 + zip64_size : 0;
        const size_t index_size = 16 * e.pieces.size();
        const bool crcs = !e.pieces.empty() && e.piece_crcs.size() == e.pieces.size() + 1;
        const size_t crc_size = crcs ? 1 + 4 * e.piece_crcs.size() : 0;
        const size_t extra = zip64_extra + (e.pieces.empty() ? 0 : 4 + index_size) + (crcs ? 4 + crc_size : 0);
        if (extra > 0xffff) fail(SER_EINTERNAL, "the extra fields of '" + e.name + "' do not fit in its entry");
        c.u32(0x02014b50).u16(kMadeByUnix | version).u16(version).u16(flags_for(e.name));
        c.u16(e.spec.deflated ? 8 : 0).u16(0).u16(kDosDate).u32(e.spec.crc);
        c.u32(sizes64 ? 0xffffffffu : e.comp_size).u32(sizes64 ? 0xffffffffu : e.spec.size);
        c.u16(e.name.size()).u16(extra).u16(0).u16(0).u16(0).u32(kUnixMode0600);
        c.u32(offset64 ? 0xffffffffu : e.offset).raw(e.name);
        if (zip64_extra) {
            c.u16(0x0001).u16(zip64_size);
            if (sizes64) c.u64(e.spec.size).u64(e.comp_size);
            if (offset64) c.u64(e.offset);
        }
        if (!e.pieces.empty()) {
            c.u16(kPieceIndexExtraId).u16(index_size);
            for (const PieceEnd &p : e.pieces) c.u64(p.decoded).u64(p.compressed);
        }
        if (crcs) {
            c.u16(kPieceCrcExtraId).u16(crc_size).u8(kPieceCrcVersion);
            for (uint32_t crc : e.piece_crcs) c.u32(crc);
        }
    }
    const uint64_t cd_size = out.size(), count = entries.size();
    if (count > kFileCountLimit || start > kZip64Limit || cd_size > kZip64Limit) {
        const uint64_t record = start + cd_size;
        c.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
        c.u64(count).u64(count).u64(cd_size).u64(start);
        c.u32(0x07064b50).u32(0).u64(record).u32(1);
    }
    c.u32(0x06054b50).u16(0).u16(0).u16(std::min(count, kFileCountLimit)).u16(std::min(count, kFileCountLimit));
    c.u32(std::min<uint64_t>(cd_size, 0xffffffffu)).u32(std::min<uint64_t>(start, 0xffffffffu)).u16(0);
    return out;
}

}  // namespace chainerser::core
