#include "hdf5/hdf5_types.h"

#include <cstring>

#include "core/error.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_strings.h"

namespace chainerser::core {
namespace {

bool big_endian(const ElementType &t) { return t.byteorder == SER_BIG; }

H5Id copy_of(hid_t base, const std::string &at) { return H5Id(H5Tcopy(base), SER_EINTERNAL, at + "cannot copy an HDF5 type"); }

void check(herr_t status, const std::string &at, const char *what) {
    if (status < 0) hdf5_fail(SER_EINTERNAL, at + what);
}

hid_t integer_base(bool is_signed, size_t size, bool be) {
    switch (size) {
        case 1: return is_signed ? H5T_STD_I8LE : H5T_STD_U8LE;
        case 2: return is_signed ? (be ? H5T_STD_I16BE : H5T_STD_I16LE) : (be ? H5T_STD_U16BE : H5T_STD_U16LE);
        case 4: return is_signed ? (be ? H5T_STD_I32BE : H5T_STD_I32LE) : (be ? H5T_STD_U32BE : H5T_STD_U32LE);
        default: return is_signed ? (be ? H5T_STD_I64BE : H5T_STD_I64LE) : (be ? H5T_STD_U64BE : H5T_STD_U64LE);
    }
}

// h5py's IEEE_F16LE/BE: IEEE_F32 narrowed to sign bit 15, exponent 10..14, mantissa 0..9, bias 15.
H5Id half_type(bool be, const std::string &at) {
    H5Id t = copy_of(be ? H5T_IEEE_F32BE : H5T_IEEE_F32LE, at);
    check(H5Tset_fields(t.get(), 15, 10, 5, 0, 10), at, "cannot set float16 fields");
    check(H5Tset_size(t.get(), 2), at, "cannot set float16 size");
    check(H5Tset_ebias(t.get(), 15), at, "cannot set float16 bias");
    return t;
}

H5Id float_type(size_t size, bool be, const std::string &at) {
    if (size == 2) return half_type(be, at);
    if (size == 4) return copy_of(be ? H5T_IEEE_F32BE : H5T_IEEE_F32LE, at);
    return copy_of(be ? H5T_IEEE_F64BE : H5T_IEEE_F64LE, at);
}

H5Id bool_type(const std::string &at) {
    H5Id t(H5Tenum_create(H5T_NATIVE_INT8), SER_EINTERNAL, at + "cannot create the bool enum");
    const signed char f = 0, tr = 1;
    check(H5Tenum_insert(t.get(), "FALSE", &f), at, "cannot build the bool enum");
    check(H5Tenum_insert(t.get(), "TRUE", &tr), at, "cannot build the bool enum");
    return t;
}

H5Id complex_type(size_t size, bool be, const std::string &at) {
    H5Id part = float_type(size / 2, be, at);
    H5Id t(H5Tcreate(H5T_COMPOUND, size), SER_EINTERNAL, at + "cannot create the complex compound");
    check(H5Tinsert(t.get(), "r", 0, part.get()), at, "cannot build the complex compound");
    check(H5Tinsert(t.get(), "i", size / 2, part.get()), at, "cannot build the complex compound");
    return t;
}

ser_byteorder order_of(hid_t type, size_t size) {
    if (size <= 1) return SER_BYTEORDER_NA;
    return H5Tget_order(type) == H5T_ORDER_BE ? SER_BIG : SER_LITTLE;
}

ser_dtype integer_dtype(bool is_signed, size_t size) {
    switch (size) {
        case 1: return is_signed ? SER_INT8 : SER_UINT8;
        case 2: return is_signed ? SER_INT16 : SER_UINT16;
        case 4: return is_signed ? SER_INT32 : SER_UINT32;
        case 8: return is_signed ? SER_INT64 : SER_UINT64;
        default: return SER_DTYPE_INVALID;
    }
}

[[noreturn]] void unsupported(const std::string &at, const std::string &what) {
    fail(SER_EUNSUPPORTED, at + "unsupported HDF5 datatype: " + what);
}

bool is_ieee_half(hid_t type) {
    size_t spos, epos, esize, mpos, msize;
    if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0) return false;
    return spos == 15 && epos == 10 && esize == 5 && mpos == 0 && msize == 10 && H5Tget_ebias(type) == 15;
}

ElementType float_element(hid_t type, const std::string &at) {
    const size_t size = H5Tget_size(type);
    ElementType e;
    e.itemsize = size;
    e.byteorder = order_of(type, size);
    if (size == 2 && is_ieee_half(type)) e.dtype = SER_FLOAT16;
    else if (size == 4) e.dtype = SER_FLOAT32;
    else if (size == 8) e.dtype = SER_FLOAT64;
    else unsupported(at, std::to_string(size) + "-byte float");
    return e;
}

std::string member_name(hid_t type, unsigned k) {
    char *name = H5Tget_member_name(type, k);
    std::string s = name ? name : "";
    H5free_memory(name);
    return s;
}

// h5py's complex: a compound of exactly {r, i}, two floats of one size.
ElementType complex_element(hid_t type, const std::string &at) {
    if (H5Tget_nmembers(type) != 2 || member_name(type, 0) != "r" || member_name(type, 1) != "i")
        unsupported(at, "compound type (only h5py's complex {r, i} is read)");
    H5Id re(H5Tget_member_type(type, 0), SER_EFORMAT, at + "cannot read the compound's members");
    H5Id im(H5Tget_member_type(type, 1), SER_EFORMAT, at + "cannot read the compound's members");
    if (H5Tget_class(re.get()) != H5T_FLOAT || H5Tget_class(im.get()) != H5T_FLOAT ||
        H5Tget_size(re.get()) != H5Tget_size(im.get()))
        unsupported(at, "compound {r, i} whose members are not two floats of one size");
    ElementType part = float_element(re.get(), at);
    if (part.dtype == SER_FLOAT16) unsupported(at, "complex of float16 parts");
    return ElementType{part.dtype == SER_FLOAT32 ? SER_COMPLEX64 : SER_COMPLEX128, part.byteorder, part.itemsize * 2};
}

bool is_h5py_bool(hid_t type) {
    if (H5Tget_nmembers(type) != 2 || H5Tget_size(type) != 1) return false;
    signed char v = -1;
    return H5Tenum_valueof(type, "FALSE", &v) >= 0 && v == 0 && H5Tenum_valueof(type, "TRUE", &v) >= 0 && v == 1;
}

ElementType integer_element(hid_t type, const std::string &at) {
    const size_t size = H5Tget_size(type);
    ser_dtype d = integer_dtype(H5Tget_sign(type) == H5T_SGN_2, size);
    if (d == SER_DTYPE_INVALID) unsupported(at, std::to_string(size) + "-byte integer");
    return ElementType{d, order_of(type, size), size};
}

const char *class_name(H5T_class_t c) {
    switch (c) {
        case H5T_TIME: return "time";
        case H5T_BITFIELD: return "bitfield";
        case H5T_OPAQUE: return "opaque";
        case H5T_REFERENCE: return "reference";
        case H5T_VLEN: return "variable-length sequence";
        case H5T_ARRAY: return "array";
        default: return "unknown class";
    }
}

}  // namespace

H5Id h5py_string_type(size_t size, H5T_cset_t cset, const std::string &at) {
    Hdf5Lock lock;
    H5Id t = copy_of(H5T_C_S1, at);
    check(H5Tset_size(t.get(), size), at, "cannot set the string size");
    if (size != H5T_VARIABLE) check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), at, "cannot set string padding");
    check(H5Tset_cset(t.get(), cset), at, "cannot set the character set");
    return t;
}

H5Id h5py_datatype(const ElementType &t, const std::string &at) {
    Hdf5Lock lock;
    const DTypeInfo &d = dtype_info(t.dtype);
    switch (d.kind) {
        case Kind::Bool: return bool_type(at);
        case Kind::Int:
        case Kind::UInt: return copy_of(integer_base(d.kind == Kind::Int, d.itemsize, big_endian(t)), at);
        case Kind::Float: return float_type(d.itemsize, big_endian(t), at);
        case Kind::Complex: return complex_type(d.itemsize, big_endian(t), at);
        case Kind::Bytes: return h5py_string_type(t.itemsize, H5T_CSET_ASCII, at);
        case Kind::Unicode: return h5py_string_type(H5T_VARIABLE, H5T_CSET_UTF8, at);
        case Kind::Object: return copy_of(H5T_IEEE_F32LE, at);  // h5py.Empty('f')
    }
    fail(SER_EINTERNAL, at + "no HDF5 type for dtype " + d.name);
}

StoredType stored_type_of(hid_t type, const std::string &at) {
    Hdf5Lock lock;
    StoredType s;
    const H5T_class_t cls = H5Tget_class(type);
    switch (cls) {
        case H5T_INTEGER: s.type = integer_element(type, at); break;
        case H5T_FLOAT: s.type = float_element(type, at); break;
        case H5T_COMPOUND: s.type = complex_element(type, at); break;
        case H5T_ENUM: {
            if (is_h5py_bool(type)) {
                s.type = ElementType{SER_BOOL, SER_BYTEORDER_NA, 1};
                break;
            }
            H5Id base(H5Tget_super(type), SER_EFORMAT, at + "cannot read the enum's base type");
            s.type = integer_element(base.get(), at);  // h5py reads other enums as their integers
            break;
        }
        case H5T_STRING: {
            const htri_t vlen = H5Tis_variable_str(type);
            if (vlen < 0) hdf5_fail(SER_EFORMAT, at + "cannot read the string type");
            s.vlen_string = vlen > 0;
            const H5T_cset_t cset = H5Tget_cset(type);
            if (cset != H5T_CSET_ASCII && cset != H5T_CSET_UTF8)
                fail(SER_EFORMAT, at + "string datatype with an invalid character set (" + std::to_string(int(cset)) + ")");
            s.type = s.vlen_string ? ElementType{SER_UNICODE, native_byteorder(), 0}
                                   : ElementType{SER_BYTES, SER_BYTEORDER_NA, H5Tget_size(type)};
            break;
        }
        default:
            if (cls < 0) hdf5_fail(SER_EFORMAT, at + "cannot read the datatype");
            unsupported(at, class_name(cls));
    }
    return s;
}

StoredType stored_type_of_dataset(hid_t dataset, hid_t file_type, const std::string &at) {
    Hdf5Lock lock;
    StoredType s = stored_type_of(file_type, at);
    if (s.type.dtype != SER_UNICODE && s.type.dtype != SER_BYTES) return s;
    if (std::optional<ElementType> declared = read_numpy_dtype_attribute(dataset, at)) {
        // n code points take at most 4n bytes of UTF-8; a longer fixed length is no '<U n' we wrote
        // (and would make a read buffer larger than the entry the limits were checked on).
        if (!s.vlen_string && H5Tget_size(file_type) > declared->itemsize)
            fail(SER_EFORMAT, at + "fixed-length strings of " + std::to_string(H5Tget_size(file_type)) +
                                  " bytes are longer than the UTF-8 of the " + descr_of(*declared) + " its attribute " +
                                  kNumpyDtypeAttribute + " names");
        s.fixed_utf8 = !s.vlen_string;
        s.type = *declared;
    }
    return s;
}

H5Id read_memory_type(hid_t file_type, const StoredType &stored, const std::string &at) {
    Hdf5Lock lock;
    const H5T_class_t cls = H5Tget_class(file_type);
    if (cls == H5T_STRING)
        return h5py_string_type(stored.vlen_string ? H5T_VARIABLE : H5Tget_size(file_type), H5Tget_cset(file_type), at);
    if (cls == H5T_ENUM && stored.type.dtype != SER_BOOL) {
        return copy_of(file_type, at);
    }
    return h5py_datatype(stored.type, at);
}

}  // namespace chainerser::core
