#include "npz/member_pieces.h"

#include <algorithm>

#include "codec/crc32.h"
#include "codec/deflate.h"
#include "core/options.h"

namespace chainerser::core {

size_t piece_bytes(size_t data_size) {
    constexpr size_t kMiB = size_t(1) << 20;
    const size_t per = (data_size / (kMaxWrittenPieceIndexEntries + 1) + kMiB) / kMiB * kMiB;
    return std::max(kPieceBytes, per);
}

Deflated deflate_piece(const ByteSpan &header, const ByteSpan &data, size_t per, size_t i, size_t pieces, int level,
                       bool ends_member) {
    const auto *d = static_cast<const unsigned char *>(data.data);
    const ByteSpan in[2] = {header, {d + i * per, std::min(per, data.size - i * per)}};
    const bool with_header = i == 0 && header.size;
    const ByteSpan *first = with_header ? in : in + 1;
    const size_t count = with_header ? 2 : 1;
    Deflated out;
    for (size_t k = 0; k < count; ++k) {
        out.size += first[k].size;
        out.crc = crc32_update(out.crc, first[k].data, first[k].size);
    }
    out.stream = deflate_raw(first, count, level, ends_member && i + 1 == pieces);
    return out;
}

}  // namespace chainerser::core
