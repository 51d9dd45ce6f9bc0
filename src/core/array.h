// What an entry is (element type, shape, memory order) and views of its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace chainerser::core {

struct ArrayMeta {
    ElementType type;
    std::vector<int64_t> shape;
    bool fortran_order = false;

    bool is_none() const { return type.dtype == SER_NONE; }
    // Element count (1 for 0-d, 0 for None); throws SER_ELIMIT if it overflows.
    uint64_t count() const;
    // count() * itemsize, checked.
    uint64_t nbytes() const;
    // numpy's repr of the shape: "()", "(3,)", "(2, 3)".
    std::string shape_repr() const;
};

ArrayMeta none_meta();

// The fortran_order numpy's np.save writes for `meta` in Fortran order: True only for arrays that
// are not also C-contiguous (with at most one extent above 1, or no elements, column-major bytes
// are the C-order bytes, and numpy writes False).
bool numpy_fortran_order(const ArrayMeta &meta);

// Throws SER_EINVAL unless ndim is in [0, SER_MAX_NDIM] and every extent is >= 0.
void check_shape(const std::vector<int64_t> &shape);

// Bytes a caller hands in to be written.
struct ConstArrayView {
    ArrayMeta meta;
    const void *data = nullptr;
    size_t nbytes = 0;
};

// An entry read whole, in the layout it has in the file (used to copy between backends).
struct OwnedArray {
    ArrayMeta meta;
    std::vector<unsigned char> bytes;
    ConstArrayView view() const { return {meta, bytes.data(), bytes.size()}; }
};

// ser_array_info <-> ArrayMeta.
ArrayMeta meta_from_info(const ser_array_info &info);
ser_array_info info_from_meta(const ArrayMeta &meta);

}  // namespace chainerser::core
