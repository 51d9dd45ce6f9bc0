#include "core/dtype.h"

#include <cstring>

#include "core/error.h"

namespace chainerser::core {
namespace {

// Indexed by ser_dtype value; the only place dtypes are described.
constexpr DTypeInfo kTable[] = {
    {SER_DTYPE_INVALID, "invalid", '?', 0, Kind::Object},
    {SER_BOOL, "bool", 'b', 1, Kind::Bool},
    {SER_INT8, "int8", 'i', 1, Kind::Int},
    {SER_INT16, "int16", 'i', 2, Kind::Int},
    {SER_INT32, "int32", 'i', 4, Kind::Int},
    {SER_INT64, "int64", 'i', 8, Kind::Int},
    {SER_UINT8, "uint8", 'u', 1, Kind::UInt},
    {SER_UINT16, "uint16", 'u', 2, Kind::UInt},
    {SER_UINT32, "uint32", 'u', 4, Kind::UInt},
    {SER_UINT64, "uint64", 'u', 8, Kind::UInt},
    {SER_FLOAT16, "float16", 'f', 2, Kind::Float},
    {SER_FLOAT32, "float32", 'f', 4, Kind::Float},
    {SER_FLOAT64, "float64", 'f', 8, Kind::Float},
    {SER_COMPLEX64, "complex64", 'c', 8, Kind::Complex},
    {SER_COMPLEX128, "complex128", 'c', 16, Kind::Complex},
    {SER_UNICODE, "str", 'U', 0, Kind::Unicode},
    {SER_BYTES, "bytes", 'S', 0, Kind::Bytes},
    {SER_NONE, "None", 'O', 0, Kind::Object},
};
constexpr int32_t kCount = static_cast<int32_t>(sizeof(kTable) / sizeof(kTable[0]));

const DTypeInfo *by_kind_and_size(char kind, size_t size) {
    for (const DTypeInfo &d : kTable)
        if (d.id != SER_DTYPE_INVALID && d.numpy_kind == kind && d.itemsize == size) return &d;
    return nullptr;
}

// Casting rank of numpy's same_kind rule: b < u < i < f < c.
int kind_rank(Kind k) {
    switch (k) {
        case Kind::Bool: return 0;
        case Kind::UInt: return 1;
        case Kind::Int: return 2;
        case Kind::Float: return 3;
        case Kind::Complex: return 4;
        default: return -1;
    }
}

// Smallest float width numpy deems a safe home for an integer of `size` bytes.
size_t float_size_for_int(size_t size) { return size == 1 ? 2 : size == 2 ? 4 : 8; }

bool safe_cast(const DTypeInfo &f, const DTypeInfo &t) {
    if (f.kind == Kind::Bool) return true;
    switch (f.kind) {
        case Kind::Int:
            if (t.kind == Kind::Int) return t.itemsize >= f.itemsize;
            if (t.kind == Kind::Float) return t.itemsize >= float_size_for_int(f.itemsize);
            if (t.kind == Kind::Complex) return t.itemsize / 2 >= float_size_for_int(f.itemsize);
            return false;
        case Kind::UInt:
            if (t.kind == Kind::UInt) return t.itemsize >= f.itemsize;
            if (t.kind == Kind::Int) return t.itemsize > f.itemsize;
            if (t.kind == Kind::Float) return t.itemsize >= float_size_for_int(f.itemsize);
            if (t.kind == Kind::Complex) return t.itemsize / 2 >= float_size_for_int(f.itemsize);
            return false;
        case Kind::Float:
            if (t.kind == Kind::Float) return t.itemsize >= f.itemsize;
            if (t.kind == Kind::Complex) return t.itemsize / 2 >= f.itemsize;
            return false;
        case Kind::Complex:
            return t.kind == Kind::Complex && t.itemsize >= f.itemsize;
        default:
            return false;
    }
}

}  // namespace

const DTypeInfo *find_dtype(int32_t id) noexcept {
    if (id <= 0 || id >= kCount) return nullptr;
    return &kTable[id];
}

const DTypeInfo &dtype_info(int32_t id) {
    const DTypeInfo *d = find_dtype(id);
    if (!d) fail(SER_EINVAL, "invalid dtype value " + std::to_string(id));
    return *d;
}

ser_byteorder native_byteorder() noexcept {
    const uint16_t one = 1;
    unsigned char first;
    std::memcpy(&first, &one, 1);
    return first ? SER_LITTLE : SER_BIG;
}

ElementType native_type(ser_dtype dtype, size_t itemsize) {
    const DTypeInfo &d = dtype_info(dtype);
    ElementType t;
    t.dtype = dtype;
    t.itemsize = d.itemsize ? d.itemsize : itemsize;
    bool ordered = d.kind == Kind::Unicode || d.itemsize > 1;
    t.byteorder = ordered ? native_byteorder() : SER_BYTEORDER_NA;
    return t;
}

bool needs_byteswap(const ElementType &t) noexcept {
    return t.byteorder != SER_BYTEORDER_NA && t.byteorder != native_byteorder();
}

std::string descr_of(const ElementType &t) {
    const DTypeInfo &d = dtype_info(t.dtype);
    std::string s;
    s += t.byteorder == SER_LITTLE ? '<' : t.byteorder == SER_BIG ? '>' : '|';
    s += d.numpy_kind;
    if (d.kind == Kind::Object) return s;
    size_t n = d.kind == Kind::Unicode ? t.itemsize / 4 : t.itemsize;
    s += std::to_string(n);
    return s;
}

bool parse_descr(std::string_view descr, ElementType &out) {
    const bool with_order = !descr.empty() && std::strchr("<>|=", descr[0]);  // what numpy writes
    for (const DTypeInfo &d : kTable)  // numpy also accepts type names such as "float32"
        if (!with_order && d.id != SER_DTYPE_INVALID && d.itemsize && descr == d.name) {
            out = native_type(d.id);
            return true;
        }
    if (descr == "?") {
        out = native_type(SER_BOOL);
        return true;
    }
    ser_byteorder order = native_byteorder();
    if (with_order) {
        if (descr[0] == '<') order = SER_LITTLE;
        if (descr[0] == '>') order = SER_BIG;
        descr.remove_prefix(1);
    }
    if (descr.empty()) return false;
    char kind = descr[0];
    descr.remove_prefix(1);
    uint64_t n = 0;
    bool has_digits = !descr.empty();
    for (char c : descr) {
        if (c < '0' || c > '9' || n > (uint64_t(1) << 40)) return false;
        n = n * 10 + uint64_t(c - '0');
    }
    ElementType t;
    if (kind == 'O') {
        if (has_digits && n != 8) return false;
        t.dtype = SER_NONE;
    } else if (kind == 'U' || kind == 'S') {
        if (!has_digits) return false;
        t.dtype = kind == 'U' ? SER_UNICODE : SER_BYTES;
        t.itemsize = kind == 'U' ? n * 4 : n;
        t.byteorder = kind == 'U' ? order : SER_BYTEORDER_NA;
        out = t;
        return true;
    } else {
        if (kind == '?' && !has_digits) n = 1, kind = 'b';
        const DTypeInfo *d = by_kind_and_size(kind, n);
        if (!d) return false;
        t.dtype = d->id;
        t.itemsize = d->itemsize;
    }
    out = native_type(t.dtype, t.itemsize);
    if (out.byteorder != SER_BYTEORDER_NA) out.byteorder = order;
    return true;
}

bool can_cast(ser_dtype from, ser_dtype to, ser_cast rule) noexcept {
    if (from == to) return true;
    const DTypeInfo *f = find_dtype(from);
    const DTypeInfo *t = find_dtype(to);
    if (!f || !t || kind_rank(f->kind) < 0 || kind_rank(t->kind) < 0) return false;
    switch (rule) {
        case SER_CAST_SAFE: return safe_cast(*f, *t);
        case SER_CAST_SAME_KIND: return safe_cast(*f, *t) || kind_rank(t->kind) >= kind_rank(f->kind);
        default: return false;
    }
}

}  // namespace chainerser::core
