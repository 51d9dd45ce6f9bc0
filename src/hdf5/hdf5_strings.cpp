#include "hdf5/hdf5_strings.h"

#include <algorithm>
#include <cstring>

#include "core/convert.h"
#include "core/error.h"
#include "core/text.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_lock.h"

namespace chainerser::core {
namespace {

std::u32string decode(const std::string &s, const std::string &at) {
    std::u32string cps;
    if (!utf8_to_utf32(s, cps)) fail(SER_EFORMAT, at + "a stored string is not valid UTF-8");
    return cps;
}

}  // namespace

std::vector<std::string> utf8_strings_of(const void *data, uint64_t count, const ElementType &t, const std::string &at) {
    const size_t width = t.itemsize / 4;
    std::u32string cps(width, U'\0');
    std::vector<std::string> out;
    out.reserve(count);
    for (uint64_t k = 0; k < count; ++k) {
        if (width) std::memcpy(&cps[0], static_cast<const unsigned char *>(data) + k * t.itemsize, t.itemsize);
        if (needs_byteswap(t)) byteswap_inplace(&cps[0], 1, t);
        std::u32string_view v(cps);
        while (!v.empty() && v.back() == U'\0') v.remove_suffix(1);
        if (v.find(U'\0') != std::u32string_view::npos)
            fail(SER_EUNSUPPORTED, at + "a string with an embedded NUL cannot be stored as an HDF5 string");
        std::string utf8;
        if (!utf32_to_utf8(v, utf8)) fail(SER_EINVAL, at + "a string holds an invalid code point");
        out.push_back(std::move(utf8));
    }
    return out;
}

std::vector<std::string> read_vlen_strings(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space,
                                           uint64_t count, const std::string &at) {
    Hdf5Lock lock;
    std::vector<char *> ptrs(count, nullptr);
    if (count == 0) return {};
    if (H5Dread(dataset, mem_type, mem_space, file_space, H5P_DEFAULT, ptrs.data()) < 0)
        hdf5_fail(SER_EFORMAT, at + "cannot read the strings");
    std::vector<std::string> out;
    out.reserve(count);
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

void pack_utf32(const std::vector<std::string> &strings, size_t itemsize, void *out, const std::string &at) {
    auto *p = static_cast<unsigned char *>(out);
    for (const std::string &s : strings) {
        std::u32string cps = decode(s, at);
        if (cps.size() * 4 > itemsize) fail(SER_EINTERNAL, at + "string wider than its dtype");
        std::memset(p, 0, itemsize);
        if (!cps.empty()) std::memcpy(p, cps.data(), cps.size() * 4);
        p += itemsize;
    }
}

}  // namespace chainerser::core
