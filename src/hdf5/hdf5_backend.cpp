#include "hdf5/hdf5_backend.h"

#include "hdf5/hdf5_deserializer.h"
#include "hdf5/hdf5_serializer.h"

namespace chainerser::core {
const Backend kHdf5Backend = {"hdf5", &Hdf5Serializer::create, &Hdf5Deserializer::open};
}
