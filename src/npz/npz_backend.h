// The NPZ backend's entry in the backend table.
#pragma once

#include "core/backends.h"

namespace chainerser::core {
extern const Backend kNpzBackend;
}
