#include "hdf5/hdf5_strings.h"

#include <algorithm>
#include <cstring>

#include "core/convert.h"
#include "core/error.h"
#include "core/text.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "hdf5/hdf5_types.h"

namespace chainerser::core {
namespace {

std::u32string decode(const std::string &s, const std::string &at) {
    std::u32string cps;
    if (!utf8_to_utf32(s, cps)) fail(SER_EFORMAT, at + "a stored string is not valid UTF-8");
    return cps;
}

std::string attribute_text(hid_t attr, const std::string &at) {
    const std::string bad = at + "attribute " + kNumpyDtypeAttribute + " ";
    H5Id type(H5Aget_type(attr), SER_EFORMAT, bad + "has no readable datatype");
    H5Id space(H5Aget_space(attr), SER_EFORMAT, bad + "has no readable dataspace");
    if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_type(space.get()) != H5S_SCALAR)
        fail(SER_EFORMAT, bad + "is not a scalar string");
    const htri_t vlen = H5Tis_variable_str(type.get());
    if (vlen < 0) hdf5_fail(SER_EFORMAT, bad + "has no readable string type");
    if (vlen) {
        H5Id mem = h5py_string_type(H5T_VARIABLE, H5Tget_cset(type.get()), at);
        char *p = nullptr;
        if (H5Aread(attr, mem.get(), &p) < 0) hdf5_fail(SER_EFORMAT, bad + "cannot be read");
        std::string s = p ? p : "";
        H5free_memory(p);
        return s;
    }
    const size_t size = H5Tget_size(type.get());
    if (size == 0 || size > 64) fail(SER_EFORMAT, bad + "is a string of " + std::to_string(size) + " bytes, not a numpy dtype");
    H5Id mem = h5py_string_type(size, H5Tget_cset(type.get()), at);
    std::string s(size, '\0');
    if (H5Aread(attr, mem.get(), &s[0]) < 0) hdf5_fail(SER_EFORMAT, bad + "cannot be read");
    s.resize(std::strlen(s.c_str()));
    return s;
}

}  // namespace

Utf8Strings utf8_strings_of(const void *data, uint64_t count, const ElementType &t, const std::string &at) {
    const size_t width = t.itemsize / 4;
    std::u32string cps(width, U'\0');
    Utf8Strings out;
    out.strings.reserve(count);
    bool embedded_nul = false;
    size_t longest = 1;
    for (uint64_t k = 0; k < count; ++k) {
        if (width) std::memcpy(&cps[0], static_cast<const unsigned char *>(data) + k * t.itemsize, t.itemsize);
        if (needs_byteswap(t)) byteswap_inplace(&cps[0], 1, t);
        std::u32string_view v(cps);
        while (!v.empty() && v.back() == U'\0') v.remove_suffix(1);
        embedded_nul |= v.find(U'\0') != std::u32string_view::npos;
        std::string utf8;
        if (!utf32_to_utf8(v, utf8)) fail(SER_EINVAL, at + "a string holds an invalid code point");
        longest = std::max(longest, utf8.size());
        out.strings.push_back(std::move(utf8));
    }
    if (embedded_nul) out.fixed_size = longest;
    return out;
}

std::vector<std::string> read_strings(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space,
                                      uint64_t count, const std::string &at) {
    Hdf5Lock lock;
    if (count == 0) return {};
    std::vector<std::string> out;
    out.reserve(count);
    const htri_t vlen = H5Tis_variable_str(mem_type);
    if (vlen < 0) hdf5_fail(SER_EINTERNAL, at + "cannot read the string type");
    if (!vlen) {
        const size_t size = H5Tget_size(mem_type);
        std::vector<char> bytes(count * size);
        if (H5Dread(dataset, mem_type, mem_space, file_space, H5P_DEFAULT, bytes.data()) < 0)
            hdf5_fail(SER_EFORMAT, at + "cannot read the strings");
        for (uint64_t k = 0; k < count; ++k) {
            std::string_view s(bytes.data() + k * size, size);
            while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
            out.emplace_back(s);
        }
        return out;
    }
    std::vector<char *> ptrs(count, nullptr);
    if (H5Dread(dataset, mem_type, mem_space, file_space, H5P_DEFAULT, ptrs.data()) < 0)
        hdf5_fail(SER_EFORMAT, at + "cannot read the strings");
    // Each string was allocated by the library; free them one by one (H5Dvlen_reclaim would need a
    // real dataspace, and callers may pass H5S_ALL).
    for (char *p : ptrs) {
        out.emplace_back(p ? p : "");
        if (p) H5free_memory(p);
    }
    return out;
}

size_t max_code_points(const std::vector<std::string> &strings, const std::string &at) {
    size_t most = 1;
    for (const std::string &s : strings) most = std::max(most, decode(s, at).size());
    return most;
}

void pack_utf32(const std::vector<std::string> &strings, const ElementType &t, void *out, const std::string &at) {
    auto *p = static_cast<unsigned char *>(out);
    for (const std::string &s : strings) {
        std::u32string cps = decode(s, at);
        if (cps.size() * 4 > t.itemsize)
            fail(SER_EFORMAT, at + "a stored string has " + std::to_string(cps.size()) + " characters, more than its dtype " +
                                  descr_of(t) + " holds");
        std::memset(p, 0, t.itemsize);
        if (!cps.empty()) std::memcpy(p, cps.data(), cps.size() * 4);
        p += t.itemsize;
    }
    if (needs_byteswap(t)) byteswap_inplace(out, strings.size(), t);
}

void write_numpy_dtype_attribute(hid_t dataset, const ElementType &t, const std::string &at) {
    const std::string descr = descr_of(t);
    const std::string what = at + "cannot write the attribute " + kNumpyDtypeAttribute;
    H5Id type = h5py_string_type(descr.size(), H5T_CSET_ASCII, at);
    H5Id space(H5Screate(H5S_SCALAR), SER_EINTERNAL, what);
    H5Id attr(H5Acreate2(dataset, kNumpyDtypeAttribute, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), SER_EIO, what);
    if (H5Awrite(attr.get(), type.get(), descr.data()) < 0) hdf5_fail(SER_EIO, what);
}

std::optional<ElementType> read_numpy_dtype_attribute(hid_t dataset, const std::string &at) {
    const htri_t exists = H5Aexists(dataset, kNumpyDtypeAttribute);
    if (exists < 0) hdf5_fail(SER_EFORMAT, at + "cannot list the attributes");
    if (!exists) return std::nullopt;
    H5Id attr(H5Aopen(dataset, kNumpyDtypeAttribute, H5P_DEFAULT), SER_EFORMAT,
              at + "cannot open the attribute " + kNumpyDtypeAttribute);
    const std::string text = attribute_text(attr.get(), at);
    ElementType t;
    if (!parse_descr(text, t) || t.dtype != SER_UNICODE || t.itemsize == 0)
        fail(SER_EFORMAT, at + "attribute " + kNumpyDtypeAttribute + " is '" + text + "', not a numpy str dtype such as '<U7'");
    return t;
}

}  // namespace chainerser::core
