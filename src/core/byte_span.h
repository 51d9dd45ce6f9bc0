// A read-only view of bytes the caller owns: a part of a member, a piece, a chunk.
#pragma once

#include <cstddef>

namespace chainerser::core {

struct ByteSpan {
    const void *data;
    size_t size;
};

}  // namespace chainerser::core
