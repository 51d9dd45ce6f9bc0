// Writes a zip archive as NumPy's savez does (CPython's zipfile with force_zip64): each member is
// streamed to disk when it is added — local header with a zip64 extra field, then its bytes —
// and the central directory follows at commit(). The archive is built beside the target and
// replaces it atomically at commit().
//
// Not libzip: libzip 1.7.3 writes every member only at zip_close (so it must hold the whole
// checkpoint in memory), cannot reproduce NumPy's headers, and deletes archives with no members.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "npz/zip_layout.h"
#include "npz/zip_sink.h"

namespace chainerser::core {

class ZipWriter {
public:
    // Builds the archive beside `target`, which it replaces at commit().
    explicit ZipWriter(std::string target);
    // Writes into `sink`; `name` is the archive in messages.
    ZipWriter(std::string name, std::unique_ptr<ZipSink> sink);
    ~ZipWriter();  // discards unless committed
    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    // Writes one member whose stored bytes are the concatenation of `parts`. The caller keeps
    // names unique (NpzSerializer refuses a repeated key at its put). With `crc`, the
    // member's CRC-32 is not in spec but computed elsewhere while the bytes are written; it is
    // taken from `crc` afterwards and patched into the local header.
    void add(const std::string &name, const MemberSpec &spec, const ByteSpan *parts, size_t count,
             std::future<uint32_t> *crc = nullptr);

    // A deflated member whose bytes arrive in pieces (one large member compressed on several
    // threads, deflate_join.h): begin() writes its local header, append() adds each piece in
    // order with the number of member bytes it decodes to and their CRC-32, and end() patches the
    // CRC-32 and the compressed size into the header. spec.crc is not used. The central directory
    // entry gets a piece index with the piece CRC-32s (zip_directory.h) so that readers can
    // inflate the pieces apart.
    void begin(const std::string &name, const MemberSpec &spec);
    void append(const ByteSpan &piece, uint64_t decoded_size, uint32_t decoded_crc);
    void end(uint32_t crc);

    // The members written so far, with their offsets in this writer's bytes.
    const std::vector<CentralEntry> &entries() const { return entries_; }

    // Writes the central directory and commits the sink.
    void commit();
    // Checks that every member is complete and nothing failed, without writing a directory
    // (the members are then placed in a larger archive by their owner).
    void finish_members() const;
    void discard() noexcept;
    // Discards the file because a member could not be completed; add and commit then fail with
    // SER_EIO naming `why`.
    void abandon(const std::string &why) noexcept;

private:
    struct OpenMember {
        std::string name;
        MemberSpec spec;
        uint64_t offset = 0;
        uint64_t comp_size = 0;
        bool big = false;
        std::vector<PieceEnd> pieces;  // after each piece so far
        std::vector<uint32_t> crcs;    // of each piece so far
    };
    void check_writable() const;
    // Writes a local header as zipfile does with force_zip64; returns the member's offset.
    uint64_t write_local_header(const std::string &name, const MemberSpec &spec, uint64_t comp_size, bool big);
    void write(const void *data, size_t size);
    void patch_u32(uint64_t offset, uint32_t value);  // overwrites 4 bytes already written
    [[noreturn]] void write_failed(int err);  // discards the file; add and commit then fail

    std::string name_;
    std::unique_ptr<ZipSink> sink_;  // null once committed or discarded
    std::string failure_;  // strerror of a failed write, or empty
    uint64_t position_ = 0;
    std::vector<CentralEntry> entries_;
    std::unique_ptr<OpenMember> open_;  // between begin() and end()
};

}  // namespace chainerser::core
