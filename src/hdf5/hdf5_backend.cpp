// PLACEHOLDER until the HDF5 backend lands (issue 3).
#include "hdf5/hdf5_backend.h"

#include "core/error.h"

namespace chainerser {
namespace {
std::unique_ptr<AbstractSerializer> create(const std::string &path, const WriteOptions &) {
    fail(SER_EUNSUPPORTED, path + ": HDF5 support is not built yet");
}
std::unique_ptr<AbstractDeserializer> open(const std::string &path, std::string, std::shared_ptr<const LoadOptions>) {
    fail(SER_EUNSUPPORTED, path + ": HDF5 support is not built yet");
}
}  // namespace
const Backend kHdf5Backend = {"hdf5", &create, &open};
}  // namespace chainerser
