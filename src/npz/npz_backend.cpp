#include "npz/npz_backend.h"

#include "npz/npz_deserializer.h"
#include "npz/npz_serializer.h"

namespace chainerser::core {
const Backend kNpzBackend = {"npz", &NpzSerializer::create, &NpzDeserializer::open};
}
