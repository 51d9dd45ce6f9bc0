#include "npz/zip_directory.h"

#include <algorithm>
#include <cstring>

#include "codec/crc32.h"
#include "core/error.h"
#include "core/text.h"

namespace chainerser::core {
namespace {

constexpr uint32_t kEndSig = 0x06054b50, kEnd64Sig = 0x06064b50, kLocatorSig = 0x07064b50, kCentralSig = 0x02014b50;
constexpr size_t kEndSize = 22, kLocatorSize = 20, kEnd64Size = 56, kCentralSize = 46;
constexpr uint64_t kMaxComment = 0xffff;

uint16_t u16(const unsigned char *p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t u32(const unsigned char *p) { return uint32_t(u16(p)) | uint32_t(u16(p + 2)) << 16; }
uint64_t u64(const unsigned char *p) { return uint64_t(u32(p)) | uint64_t(u32(p + 4)) << 32; }

// CP437's upper half as Unicode code points (what CPython's zipfile decodes flagless names with).
const char16_t kCp437High[128] = {
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec,
    0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc, 0x00a2,
    0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310,
    0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c,
    0x255e, 0x255f, 0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, 0x03b1, 0x00df,
    0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
    0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248, 0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2,
    0x25a0, 0x00a0};

std::string cp437_to_utf8(const unsigned char *p, size_t n) {
    if (std::all_of(p, p + n, [](unsigned char c) { return c < 0x80; }))  // the usual case: ASCII
        return std::string(reinterpret_cast<const char *>(p), n);
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        char32_t c = p[i] < 0x80 ? p[i] : kCp437High[p[i] - 0x80];
        if (c < 0x80) {
            out += char(c);
        } else if (c < 0x800) {
            out += char(0xc0 | (c >> 6)), out += char(0x80 | (c & 0x3f));
        } else {
            out += char(0xe0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3f)), out += char(0x80 | (c & 0x3f));
        }
    }
    return out;
}

}  // namespace

std::string decode_zip_name(const unsigned char *p, size_t n, uint16_t flags) {
    return (flags & 0x800) ? std::string(reinterpret_cast<const char *>(p), n) : cp437_to_utf8(p, n);
}

namespace {

// A piece index that does not describe increasing pieces inside the member is ignored: the member
// is then read as one stream, which does not depend on it.
std::vector<PieceEnd> piece_index(const unsigned char *p, size_t len, const ZipEntry &e) {
    std::vector<PieceEnd> pieces;
    if (len % 16 || len / 16 > kMaxPieceIndexEntries) return pieces;
    PieceEnd last{0, 0};
    for (size_t at = 0; at < len; at += 16) {
        const PieceEnd end{u64(p + at), u64(p + at + 8)};
        if (end.decoded <= last.decoded || end.compressed <= last.compressed || end.decoded >= e.size ||
            end.compressed >= e.comp_size)
            return {};
        pieces.push_back(last = end);
    }
    return pieces;
}

// The piece CRC-32s of a member whose piece index is `e.pieces`, or none if they do not fit it.
std::vector<uint32_t> piece_crcs(const unsigned char *p, size_t len, const ZipEntry &e) {
    if (e.pieces.empty() || len != 1 + 4 * (e.pieces.size() + 1) || p[0] != kPieceCrcVersion) return {};
    std::vector<uint32_t> crcs(e.pieces.size() + 1);
    uint32_t combined = 0;
    uint64_t from = 0;
    for (size_t i = 0; i < crcs.size(); ++i) {
        crcs[i] = u32(p + 1 + 4 * i);
        const uint64_t to = i < e.pieces.size() ? e.pieces[i].decoded : e.size;
        combined = crc32_concat(combined, crcs[i], to - from);
        from = to;
    }
    if (combined != e.crc) return {};  // they cannot all be right
    return crcs;
}

}  // namespace

std::vector<ZipEntry> read_zip_directory(int fd, uint64_t file_size, const std::string &path, uint64_t max_members) {
    const std::string at = path + ": ";
    if (file_size < kEndSize) fail(SER_EFORMAT, at + "not a zip archive (too short)");
    // The end record sits in the last 22 + 65535 (comment) bytes; search backwards for it.
    const uint64_t tail_size = std::min<uint64_t>(file_size, kEndSize + kMaxComment);
    std::vector<unsigned char> tail(static_cast<size_t>(tail_size));
    pread_exact(fd, tail.data(), tail_size, file_size - tail_size, at);
    int64_t end_at = -1;
    for (int64_t i = int64_t(tail_size - kEndSize); i >= 0; --i)
        if (u32(&tail[size_t(i)]) == kEndSig && uint64_t(i) + kEndSize + u16(&tail[size_t(i) + 20]) <= tail_size) {
            end_at = i;
            break;
        }
    if (end_at < 0) fail(SER_EFORMAT, at + "not a zip archive (no end of central directory record)");
    const unsigned char *end = &tail[size_t(end_at)];
    const uint64_t end_offset = file_size - tail_size + uint64_t(end_at);
    if (u16(end + 4) != 0 || u16(end + 6) != 0) fail(SER_EUNSUPPORTED, at + "multi-disk zip archives are not supported");
    uint64_t count = u16(end + 10), cd_size = u32(end + 12), cd_offset = u32(end + 16);
    uint64_t cd_limit = end_offset;  // the directory ends before the end record(s)

    if (end_offset >= kLocatorSize) {  // a zip64 locator directly precedes the end record
        unsigned char loc[kLocatorSize];
        pread_exact(fd, loc, kLocatorSize, end_offset - kLocatorSize, at);
        if (u32(loc) == kLocatorSig) {
            const uint64_t rec_offset = u64(loc + 8);
            if (rec_offset > end_offset - kLocatorSize || end_offset - kLocatorSize - rec_offset < kEnd64Size)
                fail(SER_EFORMAT, at + "zip64 end record offset points outside the file");
            unsigned char rec[kEnd64Size];
            pread_exact(fd, rec, kEnd64Size, rec_offset, at);
            if (u32(rec) != kEnd64Sig) fail(SER_EFORMAT, at + "zip64 locator does not point to a zip64 end record");
            count = u64(rec + 32), cd_size = u64(rec + 40), cd_offset = u64(rec + 48);
            cd_limit = rec_offset;
        }
    }
    if (cd_offset > cd_limit || cd_size > cd_limit - cd_offset)
        fail(SER_EFORMAT, at + "central directory (offset " + std::to_string(cd_offset) + ", " + std::to_string(cd_size) +
                              " bytes) does not fit in the file");
    if (count > cd_size / kCentralSize) fail(SER_EFORMAT, at + "central directory claims more members than it can hold");
    if (max_members && count > max_members)
        fail(SER_ELIMIT, at + std::to_string(count) + " members exceed the limit of " + std::to_string(max_members));

    std::vector<unsigned char> cd(static_cast<size_t>(cd_size));
    pread_exact(fd, cd.data(), cd_size, cd_offset, at);
    std::vector<ZipEntry> entries;
    entries.reserve(size_t(count));
    size_t pos = 0;
    for (uint64_t i = 0; i < count; ++i) {
        const std::string which = at + "central directory entry " + std::to_string(i) + ": ";
        if (cd.size() - pos < kCentralSize || u32(&cd[pos]) != kCentralSig) fail(SER_EFORMAT, which + "bad signature");
        const unsigned char *h = &cd[pos];
        const size_t name_len = u16(h + 28), extra_len = u16(h + 30), comment_len = u16(h + 32);
        if (cd.size() - pos - kCentralSize < name_len + extra_len + comment_len) fail(SER_EFORMAT, which + "truncated");
        ZipEntry e;
        e.flags = u16(h + 8);
        e.method = u16(h + 10);
        e.crc = u32(h + 16);
        e.comp_size = u32(h + 20);
        e.size = u32(h + 24);
        e.header_offset = u32(h + 42);
        const unsigned char *name = h + kCentralSize;
        e.name = decode_zip_name(name, name_len, e.flags);
        std::u32string decoded;  // CPython refuses such names too (UnicodeDecodeError)
        if ((e.flags & 0x800) && !utf8_to_utf32(e.name, decoded))
            fail(SER_EFORMAT, which + "member name is flagged as UTF-8 but is not valid UTF-8");
        // zip64 extra: only the fields whose 32-bit value is 0xFFFFFFFF are present, in this order.
        const unsigned char *x = name + name_len, *x_end = x + extra_len;
        const unsigned char *index = nullptr, *index_crcs = nullptr;
        while (x_end - x >= 4) {
            const uint16_t id = u16(x), len = u16(x + 2);
            if (len > x_end - x - 4) fail(SER_EFORMAT, which + "extra field runs past its entry");
            if (id == 0x0001) {
                const unsigned char *f = x + 4, *f_end = f + len;
                for (uint64_t *field : {&e.size, &e.comp_size, &e.header_offset}) {
                    if (*field != 0xffffffffu) continue;
                    if (f_end - f < 8) fail(SER_EFORMAT, which + "zip64 extra field is too short");
                    *field = u64(f);
                    f += 8;
                }
            }
            if (id == kPieceIndexExtraId) index = x;
            if (id == kPieceCrcExtraId) index_crcs = x;
            x += 4 + len;
        }
        if (index) e.pieces = piece_index(index + 4, u16(index + 2), e);  // after zip64 gave the sizes
        if (index_crcs) e.piece_crcs = piece_crcs(index_crcs + 4, u16(index_crcs + 2), e);
        entries.push_back(std::move(e));
        pos += kCentralSize + name_len + extra_len + comment_len;
    }
    return entries;
}

}  // namespace chainerser::core
