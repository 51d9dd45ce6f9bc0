// Turning stored bytes into the caller's layout: byte swaps, Fortran to C order, dtype casts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/array.h"
#include "core/transpose.h"

namespace chainerser::core {

// Reverses the bytes of every scalar in place (each half of a complex, each UTF-32 code unit).
void byteswap_inplace(void *data, uint64_t count, const ElementType &type);

// Casts `count` native-order elements of dtype `from` into dtype `to` (numeric and bool only).
void cast_elements(const void *src, ser_dtype from, void *dst, ser_dtype to, uint64_t count);

// Converts a whole array from its stored layout into a native buffer of `to` with the same
// shape, row-major or, with `to_fortran`, column-major. `src` may be modified (it is a scratch
// copy or the caller's buffer). src and dst may be the same buffer only when no cast and no
// transpose is needed.
void convert_array(const ArrayMeta &from, void *src, ser_dtype to, bool to_fortran, void *dst);

// Whether an array of `shape` stored in one memory order needs moving to be read in the other.
bool needs_transpose(const std::vector<int64_t> &shape, bool from_fortran, bool to_fortran);

// IEEE binary16 <-> binary32/64, round to nearest even (as numpy does).
float half_to_float(uint16_t h) noexcept;
uint16_t double_to_half(double d) noexcept;

}  // namespace chainerser::core
