#include "npz/zip_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "core/byte_buffer.h"
#include "core/error.h"
#include "core/file_view.h"
#include "core/options.h"
#include "core/pipeline.h"
#include "codec/crc32.h"
#include "codec/deflate.h"
#include "codec/deflate_join.h"
#include "codec/inflate_split.h"
#include "codec/zlib_stream.h"

namespace chainerser::core {
namespace {

// Deflated members up to this size are inflated whole with libdeflate (fast, and parallel across
// threads); larger ones stream through zlib so that memory stays bounded.
constexpr size_t kChunk = size_t(1) << 16;
// Header reads of deflated members up to this size decode the whole member (and keep it for the
// data read that follows) instead of starting a zlib stream.
constexpr uint64_t kSmallMember = uint64_t(1) << 18;

// A file of at most kMaxFileCopyBytes with at least kMinMembersToCopy members of at most
// kMaxMeanMemberToCopy bytes on average (an optimizer's or trainer's state) is read whole, once.
constexpr uint64_t kMinMembersToCopy = 64;
constexpr uint64_t kMaxMeanMemberToCopy = 4096;

std::atomic<uint64_t> g_next_reader_id{1};

// A byte buffer that is not zero-filled when it grows: every byte is written before it is read.
struct RawBytes {
    std::unique_ptr<unsigned char[]> data;
    size_t size = 0, capacity = 0;
    void resize(size_t n) {
        if (n > capacity) data.reset(new unsigned char[n]), capacity = n;
        size = n;
    }
    void release() { data.reset(), size = capacity = 0; }
};

struct DecodedMember {
    uint64_t reader = 0, index = 0;
    RawBytes bytes;
};
thread_local RawBytes t_stream;  // the compressed bytes of the member being inflated
thread_local DecodedMember t_decoded;
// libzip 1.7.3 mishandles single reads of 4 GiB and more; stay well below.
constexpr uint64_t kMaxLibzipRead = uint64_t(1) << 30;

uint16_t u16(const unsigned char *p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t u32(const unsigned char *p) { return uint32_t(u16(p)) | uint32_t(u16(p + 2)) << 16; }

struct ZipFileCloser {
    void operator()(zip_file_t *f) const { zip_fclose(f); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

// A deflated member's bytes decoded in order, its stored bytes read with pread a block at a time.
class MemberInflater {
public:
    MemberInflater(int fd, uint64_t start, uint64_t comp_size, const std::string &what)
        : fd_(fd), at_(start), left_(comp_size), what_(what) {}

    // Up to n next bytes into out; fewer only where the stream ends.
    size_t read(void *out, size_t n) {
        size_t written = 0;
        while (written < n && !ended_) {
            using Status = RawInflateStream::Status;
            const Status st = z_.inflate(static_cast<unsigned char *>(out) + written, n - written, written);
            if (st == Status::End) ended_ = true;
            else if (st == Status::Corrupt) fail(SER_EFORMAT, what_ + "corrupt deflate data");
            else if (st == Status::NeedInput) refill();
        }
        return written;
    }

    bool ended() const { return ended_; }

private:
    // Reads start small, since a header read needs only the stream's first bytes, and double
    // up to kMaxReadBlock for a whole member.
    static constexpr size_t kFirstReadBlock = size_t(4) << 10, kMaxReadBlock = size_t(1) << 20;

    void refill() {
        if (left_ == 0) fail(SER_EFORMAT, what_ + "the deflate stream ends before the member data does");
        block_ = block_ ? std::min(2 * block_, kMaxReadBlock) : kFirstReadBlock;
        const size_t take = size_t(std::min<uint64_t>(block_, left_));
        if (take > in_size_) in_.reset(new unsigned char[take]), in_size_ = take;
        pread_exact(fd_, in_.get(), take, at_, what_);
        at_ += take;
        left_ -= take;
        z_.feed(in_.get(), take);
    }

    int fd_;
    uint64_t at_, left_;
    const std::string &what_;
    std::unique_ptr<unsigned char[]> in_;  // not zero-filled: every byte is read into first
    size_t in_size_ = 0, block_ = 0;
    RawInflateStream z_;
    bool ended_ = false;
};

}  // namespace

ZipReader::ZipReader(std::string path, ZipLimits limits)
    : path_(std::move(path)), limits_(limits), id_(g_next_reader_id++) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail(errno == ENOENT ? SER_ENOTFOUND : SER_EIO, path_ + ": " + std::strerror(errno));
    try {
        struct stat st;
        if (::fstat(fd_, &st) != 0) fail(SER_EIO, path_ + ": " + std::strerror(errno));
        if (S_ISDIR(st.st_mode)) fail(SER_EINVAL, path_ + ": is a directory");
        file_size_ = uint64_t(st.st_size);
        if (file_size_ == 0) fail(SER_EFORMAT, path_ + ": empty file, not an npz archive");
        members_ = read_zip_directory(fd_, file_size_, path_, limits_.max_members);
        data_offsets_.assign(members_.size(), 0);
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

ZipReader::~ZipReader() {
    if (map_) ::munmap(map_, size_t(file_size_));
    if (za_) zip_discard(za_);
    if (fd_ >= 0) ::close(fd_);
}

void ZipReader::check_ratio(const ZipEntry &m, const std::string &what) const {
    // Deflate cannot expand by more than about 1032:1; a larger claim is a lie or a bomb.
    const uint64_t ratio = limits_.max_inflate_ratio;
    if (m.method != 0 && ratio && m.size > 1024 && m.size / ratio > m.comp_size)
        fail(SER_ELIMIT, what + "member claims " + std::to_string(m.size) + " bytes from " + std::to_string(m.comp_size) +
                             " compressed bytes, more than the inflate-ratio limit of " + std::to_string(ratio) + ":1");
}

void ZipReader::check_readable(uint64_t index, const std::string &what) const {
    const ZipEntry &m = members_.at(index);
    check_ratio(m, what);
    if (m.encrypted()) fail(SER_EUNSUPPORTED, what + "the member is encrypted");
    if (m.method != 0 && m.method != 8 && !zip_compression_method_supported(zip_int32_t(m.method), 0))
        fail(SER_EUNSUPPORTED, what + "unsupported zip compression method " + std::to_string(m.method));
    if (m.method == 0 && m.size != m.comp_size)
        fail(SER_EFORMAT, what + "stored member with different compressed and uncompressed sizes");
}

uint64_t ZipReader::data_offset(uint64_t index, const std::string &what) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (data_offsets_.at(index)) return data_offsets_[index];
    }
    const ZipEntry &m = members_[index];
    unsigned char h[30];
    if (m.header_offset > file_size_ || file_size_ - m.header_offset < sizeof h)
        fail(SER_EFORMAT, what + "local header offset points outside the file");
    read_at(h, sizeof h, m.header_offset, what);
    if (u32(h) != 0x04034b50) fail(SER_EFORMAT, what + "bad local header signature");
    const uint64_t name_len = u16(h + 26), extra_len = u16(h + 28);
    const uint64_t start = m.header_offset + 30 + name_len + extra_len;
    if (start > file_size_ || file_size_ - start < m.comp_size)
        fail(SER_EFORMAT, what + "member data runs past the end of the file (truncated?)");
    unsigned char short_name[256];
    std::vector<unsigned char> long_name(name_len > sizeof short_name ? size_t(name_len) : 0);
    unsigned char *local_name = long_name.empty() ? short_name : long_name.data();
    read_at(local_name, name_len, m.header_offset + 30, what);
    // An ASCII name decodes to itself in either encoding; others are decoded as CPython checks them.
    const bool ascii = std::all_of(local_name, local_name + name_len, [](unsigned char c) { return c < 0x80; });
    const bool same = ascii ? m.name.size() == name_len && std::memcmp(local_name, m.name.data(), name_len) == 0
                            : decode_zip_name(local_name, size_t(name_len), u16(h + 6)) == m.name;
    if (!same) fail(SER_EFORMAT, what + "file name in the directory and in the local header differ");
    std::lock_guard<std::mutex> lock(mutex_);
    data_offsets_[index] = start;
    return start;
}

const unsigned char *ZipReader::copied_bytes(uint64_t at, uint64_t n, const std::string &what) {
    const bool many_small_members =
        members_.size() >= kMinMembersToCopy && file_size_ / members_.size() <= kMaxMeanMemberToCopy;
    if (file_size_ > kMaxFileCopyBytes || !many_small_members) return nullptr;
    std::call_once(copy_once_, [&] {
        ByteBuffer copy{size_t(file_size_)};
        pread_exact(fd_, copy.data(), file_size_, 0, what);
        copy_ = std::move(copy);
    });
    if (at > file_size_ || n > file_size_ - at) fail(SER_EFORMAT, what + "member data runs past the end of the file");
    return copy_.data() + at;
}

void ZipReader::read_at(void *buf, uint64_t n, uint64_t at, const std::string &what) {
    if (const unsigned char *p = copied_bytes(at, n, what)) {
        if (n) std::memcpy(buf, p, size_t(n));
        return;
    }
    pread_exact(fd_, buf, n, at, what);
}

const unsigned char *ZipReader::mapping(const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!map_) {
        void *p = ::mmap(nullptr, size_t(file_size_), PROT_READ, MAP_SHARED, fd_, 0);
        if (p == MAP_FAILED) fail(SER_EIO, what + "cannot map the file: " + std::strerror(errno));
        map_ = p;
    }
    return static_cast<const unsigned char *>(map_);
}

size_t ZipReader::read_prefix(uint64_t index, void *buf, size_t n, const std::string &what) {
    check_readable(index, what);
    const ZipEntry &m = members_[index];
    n = size_t(std::min<uint64_t>(n, m.size));
    const uint64_t start = data_offset(index, what);
    if (m.method == 0) {
        read_at(buf, n, start, what);
        return n;
    }
    if (m.method != 8) return prefix_with_libzip(index, buf, n, what);
    if (m.size <= kSmallMember) {
        const unsigned char *whole = inflate_whole(index, what);
        if (n) std::memcpy(buf, whole, n);
        return n;
    }
    // Inflate just enough of the stream to fill n bytes.
    return MemberInflater(fd_, start, m.comp_size, what).read(buf, n);
}

void ZipReader::read_range(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what,
                           ThreadPool *pool) {
    check_readable(index, what);
    const ZipEntry &m = members_[index];
    if (offset > m.size || n > m.size - offset)
        fail(SER_EFORMAT, what + "needs " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                              " but the member holds " + std::to_string(m.size));
    if (m.method == 0) return read_stored(index, offset, buf, n, what);
    if (m.method == 8 && !m.pieces.empty() && read_in_pieces(index, offset, buf, n, pool, what)) return;
    if (m.method == 8 && m.size <= kMaxWholeInflateBytes) return read_deflated_whole(index, offset, buf, n, what);
    if (m.method == 8 && offset + n == m.size && inflate_tail_into(index, offset, buf, what)) return;
    if (m.method == 8) return read_deflated_streaming(index, offset, buf, n, what);
    read_with_libzip(index, offset, buf, n, what);
}

void ZipReader::read_stored(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what) {
    const ZipEntry &m = members_[index];
    const uint64_t start = data_offset(index, what);
    std::vector<unsigned char> other(size_t(std::min<uint64_t>(std::max<uint64_t>(offset, 1), kChunk)));
    uint32_t crc = 0;
    auto crc_of_range = [&](uint64_t from, uint64_t to) {  // bytes outside [offset, offset + n)
        for (uint64_t at = from; at < to;) {
            const uint64_t take = std::min<uint64_t>(other.size(), to - at);
            read_at(other.data(), take, start + at, what);
            crc = crc32_update(crc, other.data(), size_t(take));
            at += take;
        }
    };
    crc_of_range(0, offset);
    read_at(buf, n, start + offset, what);
    crc = crc32_update(crc, buf, size_t(n));
    crc_of_range(offset + n, m.size);
    if (crc != m.crc) fail(SER_EFORMAT, what + "CRC error (member data is corrupt)");
}

const unsigned char *ZipReader::inflate_whole(uint64_t index, const std::string &what) {
    DecodedMember &d = t_decoded;
    if (d.reader == id_ && d.index == index) return d.bytes.data.get();
    d.reader = 0;
    const ZipEntry &m = members_[index];
    const uint64_t start = data_offset(index, what);
    RawBytes &stream = t_stream;
    const unsigned char *in = copied_bytes(start, m.comp_size, what);
    if (!in) {
        stream.resize(static_cast<size_t>(m.comp_size));
        pread_exact(fd_, stream.data.get(), stream.size, start, what);
        in = stream.data.get();
    }
    d.bytes.resize(static_cast<size_t>(m.size));
    if (!inflate_raw_exact(in, size_t(m.comp_size), d.bytes.data.get(), d.bytes.size))
        fail(SER_EFORMAT, what + "corrupt deflate data, or it does not inflate to the " + std::to_string(m.size) +
                              " bytes the directory says");
    if (crc32_update(0, d.bytes.data.get(), d.bytes.size) != m.crc)
        fail(SER_EFORMAT, what + "CRC error (member data is corrupt)");
    if (stream.capacity > kSmallMember) stream.release();
    d.reader = id_, d.index = index;
    return d.bytes.data.get();
}

bool ZipReader::inflate_tail_into(uint64_t index, uint64_t offset, void *buf, const std::string &what) {
    const ZipEntry &m = members_[index];
    const uint64_t start = data_offset(index, what);
    uint32_t crc = 0;
    if (m.size > kMaxWholeInflateBytes) {  // too large to copy: inflated from the page cache's pages
        if (m.comp_size == 0) return false;  // corrupt: the streaming read names it
        PrivateFileView view(fd_, start, m.comp_size, kSplitHeadroom, what);
        std::optional<PagesHandedBack> read_through;
        if (m.comp_size > kSplitWritesBelow) read_through.emplace(view.data() + kSplitWritesBelow, m.comp_size - kSplitWritesBelow);
        const bool ok = inflate_split(view.data(), size_t(m.comp_size), m.size, offset, static_cast<unsigned char *>(buf), crc);
        if (ok && crc != m.crc) fail(SER_EFORMAT, what + "CRC error (member data is corrupt)");
        return ok;
    }
    RawBytes &stream = t_stream;
    stream.resize(kSplitHeadroom + static_cast<size_t>(m.comp_size));
    unsigned char *in = stream.data.get() + kSplitHeadroom;
    if (const unsigned char *copy = copied_bytes(start, m.comp_size, what)) std::memcpy(in, copy, m.comp_size);
    else pread_exact(fd_, in, m.comp_size, start, what);
    const bool ok = inflate_split(in, size_t(m.comp_size), m.size, offset, static_cast<unsigned char *>(buf), crc);
    if (stream.capacity > kSmallMember) stream.release();
    if (ok && crc != m.crc) fail(SER_EFORMAT, what + "CRC error (member data is corrupt)");
    return ok;
}

void ZipReader::read_deflated_whole(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what) {
    // The array of a large member, all of it: inflated into `buf` without a copy when the stream
    // can be cut after its npy header; otherwise (or if it is corrupt) whole into a scratch.
    const uint64_t size = members_[index].size;
    if (size > kSmallMember && offset + n == size && inflate_tail_into(index, offset, buf, what)) return;
    const unsigned char *whole = inflate_whole(index, what);
    if (n) std::memcpy(buf, whole + offset, static_cast<size_t>(n));
    if (members_[index].size > kSmallMember) {  // do not keep large members alive
        t_decoded.reader = 0;
        t_decoded.bytes.release();
    }
}

void ZipReader::read_deflated_streaming(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what) {
    const ZipEntry &m = members_[index];
    MemberInflater in(fd_, data_offset(index, what), m.comp_size, what);
    std::vector<unsigned char> other(kChunk);
    uint32_t crc = 0;
    auto decode = [&](unsigned char *to, uint64_t len, bool keep) {
        for (uint64_t done = 0; done < len;) {
            unsigned char *into = keep ? to + done : other.data();
            const size_t want = size_t(keep ? len - done : std::min<uint64_t>(len - done, other.size()));
            const size_t got = in.read(into, want);
            crc = crc32_update(crc, into, got);
            done += got;
            if (got < want)
                fail(SER_EFORMAT, what + "member inflates to fewer than the " + std::to_string(m.size) +
                                      " bytes the directory says");
        }
    };
    decode(nullptr, offset, false);
    decode(static_cast<unsigned char *>(buf), n, true);
    decode(nullptr, m.size - offset - n, false);
    unsigned char extra;
    if (in.read(&extra, 1) != 0 || !in.ended())
        fail(SER_EFORMAT, what + "member inflates to more than the " + std::to_string(m.size) + " bytes the directory says");
    if (crc != m.crc) fail(SER_EFORMAT, what + "CRC error (member data is corrupt)");
}

bool ZipReader::read_in_pieces(uint64_t index, uint64_t offset, void *buf, uint64_t n, ThreadPool *pool,
                               const std::string &what) {
    const ZipEntry &m = members_[index];
    const uint64_t start = data_offset(index, what);
    struct Piece {
        uint64_t d0, d1, c0, c1;  // where it lies in the decoded member and in the stored bytes
    };
    std::vector<Piece> pieces;
    PieceEnd from{0, 0};
    for (const PieceEnd &end : m.pieces) {
        pieces.push_back({from.decoded, end.decoded, from.compressed, end.compressed});
        from = end;
    }
    pieces.push_back({from.decoded, m.size, from.compressed, m.comp_size});

    auto *out = static_cast<unsigned char *>(buf);
    // The CRC-32 of the piece's decoded bytes, or nothing if it is not a piece that decodes to them.
    auto decode = [this, out, offset, n, start, &m, &what](const Piece &p) -> std::optional<uint32_t> {
        const uint64_t size = p.d1 - p.d0;
        const uint64_t ratio = limits_.max_inflate_ratio;
        if (ratio && size > 1024 && size / ratio > p.c1 - p.c0) return std::nullopt;
        if (size > kMaxWholeInflateBytes || p.c1 - p.c0 > kMaxWholeInflateBytes) return std::nullopt;  // no piece of ours
        ByteBuffer stored(static_cast<size_t>(p.c1 - p.c0));
        pread_exact(fd_, stored.data(), stored.size(), start + p.c0, what);
        if (p.d1 != m.size && !close_piece(stored.data(), stored.size())) return std::nullopt;
        const uint64_t lo = std::max(p.d0, offset), hi = std::min(p.d1, offset + n);
        if (lo == p.d0 && hi == p.d1) {  // wholly inside the range: straight into the caller's buffer
            unsigned char *to = out + (p.d0 - offset);
            if (!inflate_raw_exact(stored.data(), stored.size(), to, size_t(size), true)) return std::nullopt;
            return crc32_update(0, to, size_t(size));
        }
        ByteBuffer decoded(static_cast<size_t>(size));
        if (!inflate_raw_exact(stored.data(), stored.size(), decoded.data(), decoded.size(), true)) return std::nullopt;
        if (lo < hi) std::memcpy(out + (lo - offset), decoded.data() + (lo - p.d0), size_t(hi - lo));
        return crc32_update(0, decoded.data(), decoded.size());
    };

    uint32_t crc = 0;
    bool whole = true;
    run_in_order(
        pool, pieces.size(), [&](size_t i) { return decode(pieces[i]); },
        [&](size_t i, std::optional<uint32_t> piece_crc) {
            if (!piece_crc) whole = false;
            else crc = crc32_concat(crc, *piece_crc, pieces[i].d1 - pieces[i].d0);
            return whole;
        });
    return whole && crc == m.crc;
}

bool ZipReader::read_runs_in_pieces(uint64_t index, const std::vector<MemberRun> &runs, void *buf, ThreadPool *pool,
                                    const std::string &what) {
    check_readable(index, what);
    const ZipEntry &m = members_[index];
    if (m.method != 8 || m.pieces.empty() || m.piece_crcs.size() != m.pieces.size() + 1) return false;
    for (const MemberRun &r : runs)
        if (r.from > m.size || r.size > m.size - r.from) fail(SER_EINTERNAL, what + "a block run outside the member");
    const uint64_t start = data_offset(index, what);
    struct Piece {
        uint64_t d0, d1, c0, c1;  // where it lies in the decoded member and in the stored bytes
        uint32_t crc;
        size_t first_run, end_run;  // the runs that overlap it
    };
    // The pieces that overlap a run, with their runs (both lists increase).
    std::vector<Piece> needed;
    {
        size_t r = 0;
        PieceEnd from{0, 0};
        for (size_t i = 0; i <= m.pieces.size(); ++i) {
            const PieceEnd to = i < m.pieces.size() ? m.pieces[i] : PieceEnd{m.size, m.comp_size};
            Piece p{from.decoded, to.decoded, from.compressed, to.compressed, m.piece_crcs[i], 0, 0};
            from = to;
            while (r < runs.size() && runs[r].from + runs[r].size <= p.d0) ++r;  // runs before this piece
            size_t e = r;
            while (e < runs.size() && runs[e].from < p.d1) ++e;
            // Empty runs need no piece.
            size_t first = r;
            while (first < e && runs[first].size == 0) ++first;
            if (first == e) continue;
            p.first_run = first, p.end_run = e;
            needed.push_back(p);
            if (runs[e - 1].from + runs[e - 1].size > p.d1) r = e - 1;  // it goes on into the next piece
            else r = e;
        }
    }
    auto *out = static_cast<unsigned char *>(buf);
    const uint64_t ratio = limits_.max_inflate_ratio;
    auto decode = [&](const Piece &p) -> bool {
        const uint64_t size = p.d1 - p.d0, stored = p.c1 - p.c0;
        if (ratio && size > 1024 && size / ratio > stored) return false;
        const MemberRun &first = runs[p.first_run];
        if (p.end_run - p.first_run == 1 && first.from <= p.d0 && first.from + first.size >= p.d1 &&
            size <= kMaxWholeInflateBytes && stored <= kMaxWholeInflateBytes) {
            // Wholly inside one run: straight into place with libdeflate.
            ByteBuffer in(static_cast<size_t>(stored));
            read_at(in.data(), stored, start + p.c0, what);
            if (p.d1 != m.size && !close_piece(in.data(), in.size())) return false;
            unsigned char *to = out + first.to + (p.d0 - first.from);
            if (!inflate_raw_exact(in.data(), in.size(), to, size_t(size), true)) return false;
            return crc32_update(0, to, size_t(size)) == p.crc;
        }
        // Streamed: the parts in runs straight into place, the rest through `scratch`.
        RawInflateStream z;
        constexpr size_t kReadBlock = size_t(1) << 20;
        std::unique_ptr<unsigned char[]> in(new unsigned char[size_t(std::min<uint64_t>(stored, kReadBlock)) + 1]);
        std::unique_ptr<unsigned char[]> scratch(new unsigned char[kChunk]);
        uint64_t at = p.c0;
        uint32_t crc = 0;
        auto inflate_to = [&](unsigned char *to, uint64_t len, bool keep) -> bool {
            uint64_t done = 0;
            while (done < len) {
                unsigned char *into = keep ? to + done : scratch.get();
                const size_t want = size_t(keep ? std::min<uint64_t>(len - done, uint64_t(1) << 30)
                                                : std::min<uint64_t>(len - done, kChunk));
                size_t got = 0;
                using Status = RawInflateStream::Status;
                while (got < want) {
                    const Status st = z.inflate(into + got, want - got, got);
                    if (st == Status::Corrupt) return false;
                    if (st == Status::End && got < want) return false;  // fewer bytes than the index says
                    if (st == Status::NeedInput) {
                        if (at == p.c1) return false;
                        const size_t take = size_t(std::min<uint64_t>(kReadBlock, p.c1 - at));
                        read_at(in.get(), take, start + at, what);
                        at += take;
                        z.feed(in.get(), take);
                    }
                }
                crc = crc32_update(crc, into, got);
                done += got;
            }
            return true;
        };
        uint64_t pos = p.d0;
        for (size_t i = p.first_run; i < p.end_run; ++i) {
            const MemberRun &r = runs[i];
            const uint64_t lo = std::max(r.from, p.d0), hi = std::min(r.from + r.size, p.d1);
            if (lo >= hi) continue;
            if (!inflate_to(nullptr, lo - pos, false)) return false;
            if (!inflate_to(out + r.to + (lo - r.from), hi - lo, true)) return false;
            pos = hi;
        }
        if (!inflate_to(nullptr, p.d1 - pos, false)) return false;
        return crc == p.crc;
    };
    bool ok = true;
    run_in_order(
        pool, needed.size(), [&](size_t i) { return decode(needed[i]); },
        [&](size_t, bool piece_ok) {
            ok = ok && piece_ok;
            return ok;
        });
    return ok;
}

// libzip reads only what our reader does not decode itself (bzip2, lzma, zstd, ... members). It
// opens a duplicate of our descriptor, so it reads the very file this reader parsed, even if
// the path has been replaced since. Call under libzip_mutex_.
struct zip *ZipReader::libzip(const std::string &what) {
    if (za_) return za_;
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) fail(SER_EIO, what + "cannot duplicate the file descriptor: " + std::strerror(errno));
    int err = 0;
    za_ = zip_fdopen(fd, 0, &err);
    if (!za_) {
        ::close(fd);  // zip_fdopen takes the descriptor only when it succeeds
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        fail(SER_EFORMAT, what + why);
    }
    if (zip_uint64_t(zip_get_num_entries(za_, 0)) != members_.size())
        fail(SER_EFORMAT, what + "libzip and the central directory disagree on the member count");
    return za_;
}

size_t ZipReader::prefix_with_libzip(uint64_t index, void *buf, size_t n, const std::string &what) {
    std::lock_guard<std::mutex> lock(libzip_mutex_);
    ZipFilePtr f(zip_fopen_index(libzip(what), index, 0));
    if (!f) fail(SER_EFORMAT, what + zip_strerror(za_));
    size_t got = 0;
    while (got < n) {
        zip_int64_t r = zip_fread(f.get(), static_cast<char *>(buf) + got, n - got);
        if (r < 0) fail(SER_EFORMAT, what + zip_file_strerror(f.get()));
        if (r == 0) break;
        got += size_t(r);
    }
    return got;
}

void ZipReader::read_with_libzip(uint64_t index, uint64_t offset, void *buf, uint64_t n, const std::string &what) {
    std::lock_guard<std::mutex> lock(libzip_mutex_);
    const uint64_t size = members_[index].size;
    ZipFilePtr f(zip_fopen_index(libzip(what), index, 0));
    if (!f) fail(SER_EFORMAT, what + zip_strerror(za_));
    auto read_into = [&](char *dst, uint64_t len) {
        uint64_t got = 0;
        while (got < len) {
            zip_int64_t r = zip_fread(f.get(), dst + got, std::min(len - got, kMaxLibzipRead));
            if (r < 0) fail(SER_EFORMAT, what + zip_file_strerror(f.get()));
            if (r == 0) fail(SER_EFORMAT, what + "member ends after " + std::to_string(got) + " of " + std::to_string(len) +
                                              " expected bytes");
            got += uint64_t(r);
        }
    };
    std::vector<char> scratch(kChunk);
    for (uint64_t skipped = 0; skipped < offset;) {
        const uint64_t step = std::min<uint64_t>(offset - skipped, scratch.size());
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

}  // namespace chainerser::core
