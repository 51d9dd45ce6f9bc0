// The zip central directory, parsed straight from the file: the list of members with their sizes,
// CRCs and local-header offsets. Opening a checkpoint reads only this (one pread of the tail and
// one of the directory), which is what makes opening an archive of 40,000 members cheap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/file_io.h"  // pread_exact, which the zip reader shares
#include "core/options.h"

namespace chainerser::core {

// The piece index: an extra field of a member's central directory entry that libchainerser
// writes for a member deflated in independent pieces (deflate_join.h). It holds, for each piece
// but the last, where the piece ends in the decoded member and in the compressed bytes (two u64
// each). Other readers skip it, as they skip every extra field they do not know.
constexpr uint16_t kPieceIndexExtraId = 0x6370;  // "pc"
// At most kMaxPieceIndexEntries (core/options.h) entries, so that the field fits in an entry's
// 64 KiB of extra fields.
//
// Piece index version 2 adds the piece CRC-32s: a second extra field, id kPieceCrcExtraId,
// holding a version byte (1) and then the CRC-32 of each piece's decoded bytes, the last piece
// included (u32 each). It lets a block read inflate only the pieces it needs and still check what
// it returns. A separate field, so that readers of version 1 keep using the index. It is used
// only beside a valid index, with one CRC per piece, and if the CRCs combine to the member's.
constexpr uint16_t kPieceCrcExtraId = 0x6363;  // "cc"
constexpr unsigned char kPieceCrcVersion = 1;

struct PieceEnd {
    uint64_t decoded, compressed;
};

struct ZipEntry {
    std::string name;          // UTF-8 (names without the UTF-8 flag are decoded as CP437, as CPython does)
    uint64_t size = 0;         // uncompressed
    uint64_t comp_size = 0;
    uint64_t header_offset = 0;  // of the local file header
    uint32_t crc = 0;
    uint16_t method = 0;
    uint16_t flags = 0;
    std::vector<PieceEnd> pieces;  // the piece index, if any: increasing, inside the member
    std::vector<uint32_t> piece_crcs;  // pieces.size() + 1 CRC-32s, or none
    bool encrypted() const { return flags & 1; }
};

// A member name as CPython decodes it: UTF-8 when general-purpose flag bit 11 is set, else CP437.
std::string decode_zip_name(const unsigned char *p, size_t n, uint16_t flags);

// Reads the directory of the open file `fd` of `file_size` bytes. Throws SER_EFORMAT naming
// `path` if there is no valid end record or the directory does not fit the file.
// More than `max_members` members (0: no limit) is SER_ELIMIT, refused before anything is allocated.
std::vector<ZipEntry> read_zip_directory(int fd, uint64_t file_size, const std::string &path, uint64_t max_members);

}  // namespace chainerser::core
