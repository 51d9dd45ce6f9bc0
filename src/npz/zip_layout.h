// The bytes of a zip archive as NumPy's savez writes them (CPython's zipfile with force_zip64):
// local headers and the central directory, encoded apart from any file so that the serial writer
// and the MPI writer (where each rank writes its own members and one rank the directory) lay out
// members the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "npz/zip_directory.h"

namespace chainerser::core {

struct MemberSpec {
    bool deflated = false;
    uint64_t size = 0;  // uncompressed bytes
    uint32_t crc = 0;   // CRC-32 of the uncompressed bytes
    // Stored members only: if non-zero, pad the local header so that this offset into the
    // member's bytes (the npy data) lands on a multiple of 64 in the file.
    uint64_t align_offset = 0;
};

// A member as the central directory lists it.
struct CentralEntry {
    std::string name;
    MemberSpec spec;
    uint64_t comp_size = 0;
    uint64_t offset = 0;           // of the local header
    std::vector<PieceEnd> pieces;  // where each piece but the last ends
    std::vector<uint32_t> piece_crcs;  // every piece's CRC-32 (pieces.size() + 1), or none
};

// CPython's zipfile switches to zip64 values above 2 GiB - 1 (ZIP64_LIMIT).
constexpr uint64_t kZip64Limit = (uint64_t(1) << 31) - 1;

// Whether a member's sizes need the zip64 form in its local header.
inline bool needs_zip64_sizes(uint64_t size, uint64_t comp_size) { return size > kZip64Limit || comp_size > kZip64Limit; }

// The local header of a member starting at file offset `offset`, as zipfile writes it with
// force_zip64 (`big`: 0xffffffff sizes, the real ones in the zip64 extra). `file` names the
// archive in messages.
std::vector<unsigned char> encode_local_header(const std::string &name, const MemberSpec &spec, uint64_t comp_size,
                                               bool big, uint64_t offset, const std::string &file);

// Where, inside a local header of member `name`, the CRC-32, the 32-bit compressed size and the
// zip64 extra's 64-bit compressed size lie.
constexpr uint64_t kLocalCrcAt = 14;
constexpr uint64_t kLocalCompSizeAt = 18;
inline uint64_t local_zip64_comp_size_at(const std::string &name) { return 30 + name.size() + 4 + 8; }

// The central directory of `entries` starting at file offset `start`, with its end records.
std::vector<unsigned char> encode_central_directory(const std::vector<CentralEntry> &entries, uint64_t start);

}  // namespace chainerser::core
