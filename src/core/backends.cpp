#include "core/backends.h"

#include "core/error.h"
#include "hdf5/hdf5_backend.h"
#include "npz/npz_backend.h"

namespace chainerser {

WriteOptions with_default_level(const std::string &file, WriteOptions options, int default_level) {
    if (options.level < -1 || options.level > 9)
        fail(SER_EINVAL, file + ": compression level " + std::to_string(options.level) + " is not in 0-9");
    if (options.level == -1) options.level = default_level;
    return options;
}

const Backend *find_backend(std::string_view name) {
    static const Backend *const table[] = {&kNpzBackend, &kHdf5Backend};
    for (const Backend *b : table)
        if (name == b->name) return b;
    return nullptr;
}

}  // namespace chainerser
