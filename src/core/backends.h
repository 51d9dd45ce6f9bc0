// The table of storage backends. Each backend folder provides one factory pair; this table is
// the only place that lists them (no self-registration, so static linking keeps working).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/deserializer.h"
#include "core/options.h"
#include "core/serializer.h"

namespace chainerser::core {

struct Backend {
    const char *name;  // "npz", "hdf5"
    std::unique_ptr<AbstractSerializer> (*create)(const std::string &path, const WriteOptions &options);
    std::unique_ptr<AbstractDeserializer> (*open)(const std::string &path, std::string prefix,
                                                  std::shared_ptr<const LoadOptions> options);
};

// nullptr if no backend has that name.
const Backend *find_backend(std::string_view name);

}  // namespace chainerser::core
