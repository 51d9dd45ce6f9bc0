// The one table of element types: numpy descr kind, item size and casting rank. Everything that
// needs to know about dtypes asks here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chainerser/chainerser.h"

namespace chainerser::core {

enum class Kind { Bool, UInt, Int, Float, Complex, Unicode, Bytes, Object };

struct DTypeInfo {
    ser_dtype id;
    const char *name;     // numpy's name, e.g. "float32"
    char numpy_kind;      // the descr kind letter: b i u f c U S O
    size_t itemsize;      // 0 where the width is per array (U, S) or meaningless (None)
    Kind kind;
};

// The table entry for a dtype id, or nullptr for an invalid id.
const DTypeInfo *find_dtype(int32_t id) noexcept;
// Like find_dtype, but throws SER_EINVAL naming the bad value.
const DTypeInfo &dtype_info(int32_t id);

// A concrete element type: dtype, width and byte order as stored.
struct ElementType {
    ser_dtype dtype = SER_DTYPE_INVALID;
    ser_byteorder byteorder = SER_BYTEORDER_NA;
    size_t itemsize = 0;

    bool operator==(const ElementType &o) const {
        return dtype == o.dtype && byteorder == o.byteorder && itemsize == o.itemsize;
    }
    bool operator!=(const ElementType &o) const { return !(*this == o); }
};

ser_byteorder native_byteorder() noexcept;

// The element type of `dtype` in native byte order (width for U/S given in `itemsize`).
ElementType native_type(ser_dtype dtype, size_t itemsize = 0);

// True when bytes of this type must be swapped to be read natively.
bool needs_byteswap(const ElementType &t) noexcept;

// numpy's dtype.str for the type: "<f4", "|b1", ">U5", "|S3", "|O".
std::string descr_of(const ElementType &t);

// Parses a numpy descr string ("<f4", "=f8", "f8", "?", "|O8", ">U5", "float32", ...).
// Returns false (and leaves `out`) for anything numpy would read as another dtype than ours.
bool parse_descr(std::string_view descr, ElementType &out);

// numpy.can_cast(from, to, rule) for the numeric dtypes and bool; U/S/None cast only to themselves.
bool can_cast(ser_dtype from, ser_dtype to, ser_cast rule) noexcept;

}  // namespace chainerser::core
