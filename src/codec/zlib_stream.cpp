#include "codec/zlib_stream.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <new>

namespace chainerser::core {

struct RawInflateStream::State {
    z_stream z{};
    const unsigned char *next = nullptr;  // input not yet handed to zlib (zlib takes uInt sizes)
    size_t left = 0;
};

RawInflateStream::RawInflateStream() : s_(std::make_unique<State>()) {
    if (inflateInit2(&s_->z, -15) != Z_OK) throw std::bad_alloc();
}

RawInflateStream::~RawInflateStream() { inflateEnd(&s_->z); }

void RawInflateStream::feed(const void *data, size_t size) {
    s_->next = static_cast<const unsigned char *>(data);
    s_->left = size;
}

RawInflateStream::Status RawInflateStream::inflate(void *out, size_t size, size_t &written) {
    z_stream &z = s_->z;
    auto *to = static_cast<unsigned char *>(out);
    size_t done = 0;
    for (;;) {
        if (z.avail_in == 0 && s_->left) {
            const size_t take = std::min<size_t>(s_->left, UINT_MAX);
            z.next_in = const_cast<unsigned char *>(s_->next);
            z.avail_in = uInt(take);
            s_->next += take;
            s_->left -= take;
        }
        const size_t room = std::min<size_t>(size - done, UINT_MAX);
        z.next_out = to + done;
        z.avail_out = uInt(room);
        const int rc = ::inflate(&z, Z_NO_FLUSH);
        done += room - z.avail_out;
        written += room - z.avail_out;
        if (rc == Z_STREAM_END) return Status::End;
        if (rc == Z_BUF_ERROR) {  // no progress possible: out of input or of output
            if (done == size) return Status::OutputFull;
            if (z.avail_in == 0 && s_->left == 0) return Status::NeedInput;
            return Status::Corrupt;
        }
        if (rc != Z_OK) return Status::Corrupt;
        if (done == size) return Status::OutputFull;
        if (z.avail_in == 0 && s_->left == 0) return Status::NeedInput;
    }
}

}  // namespace chainerser::core
