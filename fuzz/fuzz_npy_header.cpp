// The strict .npy header reader on arbitrary bytes. It may only throw the library's Error
// (format or limit); whatever it accepts must be a self-consistent array description.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "npz/npy_header.h"

using namespace chainerser::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint64_t max_header = 10000;
    try {
        uint64_t offset = npy_data_offset(data, size < kNpyPreambleSize ? size : kNpyPreambleSize, max_header);
        if (offset > max_header + kNpyPreambleSize) abort();
        NpyHeader h = decode_npy_header(data, size, max_header);
        if (h.data_offset != offset || h.data_offset > size) abort();
        if (h.meta.shape.size() > 32) abort();
        for (int64_t extent : h.meta.shape)
            if (extent < 0) abort();
        h.meta.nbytes();  // overflow is an Error, never a wrapped size
        // Whatever was accepted encodes again and reads back the same.
        std::string again = encode_npy_header(h.meta);
        NpyHeader back = decode_npy_header(reinterpret_cast<const unsigned char *>(again.data()), again.size(),
                                           again.size());
        if (back.meta.type.dtype != h.meta.type.dtype || back.meta.shape != h.meta.shape ||
            back.meta.fortran_order != h.meta.fortran_order)
            abort();
    } catch (const Error &) {
    }
    return 0;
}
