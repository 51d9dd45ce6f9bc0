// Chainer's None in NPZ: numpy.asarray(None) saved as a 0-d object array, i.e. a pickle.
// We write NumPy 1.x's exact bytes and recognise None pickles without running an unpickler.
#pragma once

#include <cstddef>
#include <string>

namespace chainerser::core {

// The 150-byte protocol-3 pickle numpy 1.17-1.26 writes for numpy.asarray(None); it names
// numpy.core.multiarray, which numpy 1.x and 2.x both load.
const std::string &none_pickle();

// True if `p` is a pickle of a 0-d object ndarray whose only element is None (numpy 1.x or
// 2.x, protocol 2-5). Walks the opcodes against a whitelist; anything else is false.
bool is_none_pickle(const unsigned char *p, size_t n);

}  // namespace chainerser::core
