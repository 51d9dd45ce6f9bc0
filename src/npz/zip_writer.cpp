#include "npz/zip_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace chainerser {
namespace {

// A libzip source over one EncodedMember; its stat tells libzip the data is final.
struct MemberSource {
    EncodedMember member;
    uint64_t pos = 0;
    zip_error_t error;
};

zip_int64_t member_source_callback(void *userdata, void *data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto *s = static_cast<MemberSource *>(userdata);
    switch (cmd) {
        case ZIP_SOURCE_OPEN:
            s->pos = 0;
            return 0;
        case ZIP_SOURCE_READ: {
            uint64_t n = std::min<uint64_t>(len, s->member.bytes.size() - s->pos);
            if (n) std::memcpy(data, s->member.bytes.data() + s->pos, n);
            s->pos += n;
            return zip_int64_t(n);
        }
        case ZIP_SOURCE_CLOSE:
            return 0;
        case ZIP_SOURCE_STAT: {
            auto *st = static_cast<zip_stat_t *>(data);
            zip_stat_init(st);
            st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC;
            st->size = s->member.size;
            st->comp_size = s->member.bytes.size();
            st->comp_method = s->member.deflated ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
            st->crc = s->member.crc;
            return sizeof(*st);
        }
        case ZIP_SOURCE_ERROR:
            return zip_error_to_data(&s->error, data, len);
        case ZIP_SOURCE_FREE:
            zip_error_fini(&s->error);
            delete s;
            return 0;
        case ZIP_SOURCE_SUPPORTS:
            return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                                  ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
        default:
            zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
            return -1;
    }
}

// The 22-byte end-of-central-directory record: what an archive with no members is.
void write_empty_archive(const std::string &path) {
    const unsigned char eocd[22] = {'P', 'K', 5, 6};
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) fail(SER_EIO, path + ": " + std::strerror(errno));
    ssize_t n = ::write(fd, eocd, sizeof eocd);
    int err = errno;
    ::close(fd);
    if (n != ssize_t(sizeof eocd)) fail(SER_EIO, path + ": write failed: " + std::strerror(err));
}

}  // namespace

ZipWriter::ZipWriter(std::string target) : replace_(std::move(target)) {
    int err = 0;
    za_ = zip_open(replace_.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!za_) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        fail(SER_EIO, replace_.target() + ": " + why);
    }
}

ZipWriter::~ZipWriter() { discard(); }

void ZipWriter::add(const std::string &name, EncodedMember member) {
    if (!za_) fail(SER_EINVAL, replace_.target() + ": the file is already closed");
    if (!names_.insert(name).second) fail(SER_EEXISTS, replace_.target() + ": member '" + name + "' written twice");
    bool deflated = member.deflated;
    auto *state = new MemberSource{std::move(member), 0, {}};
    zip_error_init(&state->error);
    zip_source_t *src = zip_source_function(za_, member_source_callback, state);
    if (!src) {
        zip_error_fini(&state->error);
        delete state;
        throw std::bad_alloc();
    }
    zip_int64_t idx = zip_file_add(za_, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        fail(SER_EINVAL, replace_.target() + ": member '" + name + "': " + zip_strerror(za_));
    }
    // What numpy/CPython write: 1980-01-01 00:00:00, Unix mode 0600.
    if ((!deflated && zip_set_file_compression(za_, zip_uint64_t(idx), ZIP_CM_STORE, 0) != 0) ||
        zip_file_set_dostime(za_, zip_uint64_t(idx), 0x0000, 0x0021, 0) != 0 ||
        zip_file_set_external_attributes(za_, zip_uint64_t(idx), 0, ZIP_OPSYS_UNIX, 0600u << 16) != 0)
        fail(SER_EINTERNAL, replace_.target() + ": member '" + name + "': " + zip_strerror(za_));
}

void ZipWriter::commit() {
    if (!za_) fail(SER_EINVAL, replace_.target() + ": the file is already closed");
    zip_t *za = za_;
    za_ = nullptr;
    if (names_.empty()) {
        zip_discard(za);  // libzip would delete an archive without members instead of writing one
        write_empty_archive(replace_.temp_path());
    } else if (zip_close(za) != 0) {
        std::string why = zip_strerror(za);
        zip_discard(za);
        replace_.abandon();
        fail(SER_EIO, replace_.target() + ": writing the archive failed: " + why);
    }
    replace_.commit();
}

void ZipWriter::discard() noexcept {
    if (za_) {
        zip_discard(za_);
        za_ = nullptr;
    }
    replace_.abandon();
}

}  // namespace chainerser
