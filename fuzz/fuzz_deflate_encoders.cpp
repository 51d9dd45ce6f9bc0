// Our deflate encoders (literal-only blocks; small inputs with fixed codes; two pieces deflated
// apart and joined, as large members are) on arbitrary bytes: every stream must inflate, with
// libdeflate and with zlib (what NumPy reads through), to exactly the input, and never outgrow
// storing it by more than the stored blocks' headers.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "codec/deflate.h"
#include "codec/deflate_join.h"
#include "codec/literal_deflate.h"
#include "codec/small_deflate.h"

namespace {

void check(const chainerser::core::ByteBuffer &stream, const uint8_t *data, size_t size, size_t max_size) {
    if (stream.size() > max_size) abort();
    std::vector<unsigned char> back(size + 1);
    if (!chainerser::core::inflate_raw_exact(stream.data(), stream.size(), back.data(), size)) abort();
    if (size && std::memcmp(back.data(), data, size) != 0) abort();

    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) abort();
    z.next_in = const_cast<unsigned char *>(stream.data());
    z.avail_in = uInt(stream.size());
    z.next_out = back.data();
    z.avail_out = uInt(back.size());
    const int rc = inflate(&z, Z_FINISH);
    const bool exact = rc == Z_STREAM_END && z.total_out == size && z.avail_in == 0;
    inflateEnd(&z);
    if (!exact || (size && std::memcmp(back.data(), data, size) != 0)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check(chainerser::core::deflate_literals(data, size), data, size, size + 6 * (size / 65535 + 2 * (size / 262144 + 1)));
    if (size <= chainerser::core::kSmallDeflateMax) check(chainerser::core::deflate_small(data, size), data, size, size + 5);
    if (size >= 2) {  // the first two bytes choose where to cut and the level
        const size_t cut = size_t(data[0]) * size / 256;
        const int level = 1 + data[1] % 9;
        const chainerser::core::ByteSpan first{data, cut}, second{data + cut, size - cut};
        const chainerser::core::ByteBuffer a = chainerser::core::deflate_raw(&first, 1, level, false);
        const chainerser::core::ByteBuffer b = chainerser::core::deflate_raw(&second, 1, level, true);
        chainerser::core::ByteBuffer joined(a.size() + b.size());
        std::memcpy(joined.data(), a.data(), a.size());
        std::memcpy(joined.data() + a.size(), b.data(), b.size());
        check(joined, data, size, size + 2 * (16 + chainerser::core::kOpenEndBytes) + 5 * (size / 16384 + 2));
    }
    return 0;
}
