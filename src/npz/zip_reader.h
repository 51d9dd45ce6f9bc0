// Read access to a zip archive. The member table comes from our own central-directory parse
// (zip_directory.h); member data is read with pread and decoded independently per member:
// stored members straight into the caller's buffer, deflated ones with libdeflate (piece by piece
// in parallel where the member has a piece index; streamed through zlib when very large), and
// only members of other methods (bzip2, lzma, ...) through libzip. Every full
// read checks the member's size and CRC-32 against the directory.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/byte_buffer.h"
#include "npz/zip_directory.h"

struct zip;

namespace chainerser::core {

class ThreadPool;

// `size` bytes at offset `from` of a member's decoded bytes, which go to offset `to` of a buffer.
struct MemberRun {
    uint64_t from, to, size;
};

struct ZipLimits {
    uint64_t max_members = 0;        // 0: none
    uint32_t max_inflate_ratio = 0;  // 0: none
};

class ZipReader {
public:
    ZipReader(std::string path, ZipLimits limits);
    ~ZipReader();
    ZipReader(const ZipReader &) = delete;
    ZipReader &operator=(const ZipReader &) = delete;

    const std::string &path() const { return path_; }
    const std::vector<ZipEntry> &members() const { return members_; }

    // Up to n bytes from the start of member `index`, decoded (no CRC check: not read whole).
    size_t read_prefix(uint64_t index, void *buf, size_t n, const std::string &what);

    // Bytes [offset, offset + n) of member `index` into buf, checking the whole member's size and
    // CRC-32. `what` starts every message ("file: key 'k': "). A member with a piece index has
    // its pieces inflated on `pool` when one is given.
    void read_range(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what,
                    ThreadPool *pool = nullptr);

    // A block read: the runs (increasing `from`, apart) of member `index` into buf, inflating only
    // the pieces that hold them, each checked against its CRC-32 from the piece index (version
    // 2, zip_directory.h): a piece that lies wholly inside one run is inflated straight into
    // place, other pieces are streamed through zlib, the bytes outside the runs into a small
    // scratch buffer. Pieces go to `pool` when one is given. False if the member has no such
    // index, or a piece does not decode to its size and CRC-32 (the index is then not to be
    // trusted: read the member whole, which checks the member's CRC-32); buf may then hold part
    // of the runs.
    bool read_runs_in_pieces(uint64_t index, const std::vector<MemberRun> &runs, void *buf, ThreadPool *pool,
                             const std::string &what);

    // File offset of member `index`'s stored bytes (after its local header), checked to lie
    // inside the file.
    uint64_t data_offset(uint64_t index, const std::string &what);

    // The whole file mapped read-only (mapped on first use, unmapped with the reader).
    const unsigned char *mapping(const std::string &what);


private:
    void check_readable(uint64_t index, const std::string &what) const;
    void check_ratio(const ZipEntry &m, const std::string &what) const;
    void read_stored(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what);
    void read_deflated_whole(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what);
    // Bytes [offset, size) of a deflated member straight into buf (inflate_split.h), from a copy
    // of its stored bytes or, past kMaxWholeInflateBytes, a mapping; false if the stream cannot be
    // cut there, or is corrupt.
    bool inflate_tail_into(uint64_t index, uint64_t offset, void *buf, const std::string &what);
    // The whole decoded member, CRC-checked; the last one per thread is kept, because a header
    // read is usually followed by the data read of the same member.
    const unsigned char *inflate_whole(uint64_t index, const std::string &what);
    // A member with a piece index: each piece inflated by itself, straight into buf where it lies
    // inside the range. False if the pieces are not what the index says, or do not decode to the
    // member's CRC-32: the member must then be read as one stream.
    bool read_in_pieces(uint64_t index, uint64_t offset, void *buf, uint64_t n, ThreadPool *pool,
                        const std::string &what);
    // A deflated member too large to inflate whole: streamed through zlib, in bounded memory.
    void read_deflated_streaming(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what);
    void read_with_libzip(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what);
    size_t prefix_with_libzip(uint64_t index, void *buf, size_t n, const std::string &what);
    struct zip *libzip(const std::string &what);
    // The file's bytes [at, at + n) from the in-memory copy of a small file of many small members
    // (read once, sequentially, instead of several preads per member), or null for other files.
    const unsigned char *copied_bytes(uint64_t at, uint64_t n, const std::string &what);
    // n bytes at file offset `at`, from the copy or with pread.
    void read_at(void *buf, uint64_t n, uint64_t at, const std::string &what);

    std::string path_;
    ZipLimits limits_;
    int fd_ = -1;
    uint64_t file_size_ = 0;
    std::vector<ZipEntry> members_;
    std::vector<uint64_t> data_offsets_;  // 0 until resolved
    std::mutex mutex_;                    // guards data_offsets_ and the mapping
    std::mutex libzip_mutex_;             // libzip's handle is not thread-safe: one member at a time
    struct zip *za_ = nullptr;            // opened on first need
    void *map_ = nullptr;                 // mapping() of the file, or null
    std::once_flag copy_once_;
    ByteBuffer copy_;                     // copied_bytes()' copy, or empty
    const uint64_t id_;                   // tells this reader's entries in the per-thread cache apart
};

}  // namespace chainerser::core
