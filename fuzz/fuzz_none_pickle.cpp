// The None-pickle recogniser on arbitrary bytes: it walks opcodes against a whitelist and
// must never read out of bounds, loop or throw. The pickle numpy writes must stay recognised.
#include <cstdint>
#include <cstdlib>

#include "npz/none_pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    chainerser::core::is_none_pickle(data, size);
    static const bool canonical_recognised = chainerser::core::is_none_pickle(
        reinterpret_cast<const unsigned char *>(chainerser::core::none_pickle().data()), chainerser::core::none_pickle().size());
    if (!canonical_recognised) abort();
    return 0;
}
