#include "core/backends.h"

#include "core/error.h"
#include "hdf5/hdf5_backend.h"
#include "npz/npz_backend.h"

namespace chainerser::core {

const Backend *find_backend(std::string_view name) {
    static const Backend *const table[] = {&kNpzBackend, &kHdf5Backend};
    for (const Backend *b : table)
        if (name == b->name) return b;
    return nullptr;
}

}  // namespace chainerser::core
