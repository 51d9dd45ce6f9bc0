#include "core/convert.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace chainerser::core {
namespace {

size_t swap_unit(const ElementType &t) {
    const DTypeInfo &d = dtype_info(t.dtype);
    if (d.kind == Kind::Complex) return t.itemsize / 2;
    if (d.kind == Kind::Unicode) return 4;
    if (d.kind == Kind::Bytes) return 1;  // a run of single bytes, never reordered
    return t.itemsize;
}

// One element widened to the representation that loses nothing for its kind.
struct Scalar {
    Kind kind;
    int64_t i = 0;
    uint64_t u = 0;
    double re = 0, im = 0;
};

template <class T>
T load_as(const unsigned char *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class T>
void store_as(unsigned char *p, T v) {
    std::memcpy(p, &v, sizeof v);
}

Scalar load(const unsigned char *p, ser_dtype t) {
    Scalar s{dtype_info(t).kind};
    switch (t) {
        case SER_BOOL: s.u = *p != 0; break;
        case SER_INT8: s.i = load_as<int8_t>(p); break;
        case SER_INT16: s.i = load_as<int16_t>(p); break;
        case SER_INT32: s.i = load_as<int32_t>(p); break;
        case SER_INT64: s.i = load_as<int64_t>(p); break;
        case SER_UINT8: s.u = load_as<uint8_t>(p); break;
        case SER_UINT16: s.u = load_as<uint16_t>(p); break;
        case SER_UINT32: s.u = load_as<uint32_t>(p); break;
        case SER_UINT64: s.u = load_as<uint64_t>(p); break;
        case SER_FLOAT16: s.re = half_to_float(load_as<uint16_t>(p)); break;
        case SER_FLOAT32: s.re = load_as<float>(p); break;
        case SER_FLOAT64: s.re = load_as<double>(p); break;
        case SER_COMPLEX64: s.re = load_as<float>(p), s.im = load_as<float>(p + 4); break;
        case SER_COMPLEX128: s.re = load_as<double>(p), s.im = load_as<double>(p + 8); break;
        default: fail(SER_EINTERNAL, "cast from non-numeric dtype");
    }
    return s;
}

double real_of(const Scalar &s) {
    switch (s.kind) {
        case Kind::Int: return double(s.i);
        case Kind::UInt:
        case Kind::Bool: return double(s.u);
        default: return s.re;
    }
}

template <class T>
T integer_of(const Scalar &s) {
    switch (s.kind) {
        case Kind::Int: return T(s.i);
        case Kind::UInt:
        case Kind::Bool: return T(s.u);
        default: return T(s.re);  // only reachable under casts numpy calls unsafe
    }
}

void store(unsigned char *p, ser_dtype t, const Scalar &s) {
    switch (t) {
        case SER_BOOL: *p = (s.kind == Kind::Int ? s.i != 0 : s.kind == Kind::UInt || s.kind == Kind::Bool ? s.u != 0 : (s.re != 0 || s.im != 0)); break;
        case SER_INT8: store_as(p, integer_of<int8_t>(s)); break;
        case SER_INT16: store_as(p, integer_of<int16_t>(s)); break;
        case SER_INT32: store_as(p, integer_of<int32_t>(s)); break;
        case SER_INT64: store_as(p, integer_of<int64_t>(s)); break;
        case SER_UINT8: store_as(p, integer_of<uint8_t>(s)); break;
        case SER_UINT16: store_as(p, integer_of<uint16_t>(s)); break;
        case SER_UINT32: store_as(p, integer_of<uint32_t>(s)); break;
        case SER_UINT64: store_as(p, integer_of<uint64_t>(s)); break;
        case SER_FLOAT16: store_as(p, double_to_half(real_of(s))); break;
        case SER_FLOAT32: store_as(p, float(real_of(s))); break;
        case SER_FLOAT64: store_as(p, real_of(s)); break;
        case SER_COMPLEX64: store_as(p, float(real_of(s))), store_as(p + 4, float(s.im)); break;
        case SER_COMPLEX128: store_as(p, real_of(s)), store_as(p + 8, s.im); break;
        default: fail(SER_EINTERNAL, "cast to non-numeric dtype");
    }
}

}  // namespace

void byteswap_inplace(void *data, uint64_t count, const ElementType &type) {
    size_t unit = swap_unit(type);
    if (unit <= 1) return;
    uint64_t units = count * (type.itemsize / unit);
    auto *p = static_cast<unsigned char *>(data);
    for (uint64_t k = 0; k < units; ++k, p += unit) std::reverse(p, p + unit);
}

void cast_elements(const void *src, ser_dtype from, void *dst, ser_dtype to, uint64_t count) {
    size_t fs = dtype_info(from).itemsize, ts = dtype_info(to).itemsize;
    const auto *in = static_cast<const unsigned char *>(src);
    auto *out = static_cast<unsigned char *>(dst);
    for (uint64_t k = 0; k < count; ++k) store(out + k * ts, to, load(in + k * fs, from));
}

bool needs_transpose(const std::vector<int64_t> &shape, bool from_fortran, bool to_fortran) {
    return from_fortran != to_fortran && shape.size() > 1;
}

void convert_array(const ArrayMeta &from, void *src, ser_dtype to, bool to_fortran, void *dst) {
    const uint64_t count = from.count();
    if (needs_byteswap(from.type)) byteswap_inplace(src, count, from.type);
    const bool cast = from.type.dtype != to;
    const bool transpose = needs_transpose(from.shape, from.fortran_order, to_fortran);
    const uint64_t nbytes = from.nbytes();
    if (!cast && !transpose) {
        // An empty array's source may be an empty vector's null data(): memcpy must not see it.
        if (src != dst && nbytes != 0) std::memcpy(dst, src, nbytes);
        return;
    }
    auto reorder = from.fortran_order ? fortran_to_c : c_to_fortran;
    if (!cast) {
        reorder(src, dst, from.shape, from.type.itemsize);
        return;
    }
    if (!transpose) {
        cast_elements(src, from.type.dtype, dst, to, count);
        return;
    }
    std::vector<unsigned char> ordered(nbytes);
    reorder(src, ordered.data(), from.shape, from.type.itemsize);
    cast_elements(ordered.data(), from.type.dtype, dst, to, count);
}

float half_to_float(uint16_t h) noexcept {
    uint32_t sign = uint32_t(h >> 15) << 31;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            do {
                ++e;
                mant <<= 1;
            } while (!(mant & 0x400));
            bits = sign | (uint32_t(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
        }
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t double_to_half(double d) noexcept {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    uint16_t sign = uint16_t((bits >> 48) & 0x8000);
    int64_t exp = int64_t((bits >> 52) & 0x7ff);
    uint64_t mant = bits & 0xfffffffffffffull;
    if (exp == 0x7ff) {  // inf, or NaN keeping its top payload bits (and never turning into inf), as numpy does
        uint16_t payload = uint16_t(mant >> 42);
        if (mant && !payload) payload = 1;
        return uint16_t(sign | 0x7c00 | payload);
    }
    int64_t e = exp - 1023 + 15;
    if (e >= 0x1f) return uint16_t(sign | 0x7c00);  // overflow to inf
    uint64_t m = mant | (uint64_t(1) << 52);        // 53-bit significand
    int shift;
    uint16_t hexp;
    if (e <= 0) {  // subnormal half
        shift = int(42 + 1 - e);
        if (shift > 63) return sign;
        hexp = 0;
    } else {
        shift = 42;
        hexp = uint16_t(e);
        m &= ~(uint64_t(1) << 52);
    }
    uint64_t q = m >> shift;
    uint64_t rem = m & ((uint64_t(1) << shift) - 1);
    uint64_t halfway = uint64_t(1) << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1))) ++q;
    // A carry out of the mantissa rolls into the exponent, which is what IEEE rounding wants.
    uint32_t h = (uint32_t(hexp) << 10) + uint32_t(q);
    if (h >= 0x7c00) return uint16_t(sign | 0x7c00);
    return uint16_t(sign | h);
}

}  // namespace chainerser::core
