#include "values.h"

#include <charconv>
#include <complex>
#include <cstring>

namespace cli {
namespace {

template <class T>
std::vector<T> read_as(ser_handle *h, const Entry &e, ser_dtype dtype) {
    std::vector<T> v(e.info.count);
    int32_t outcome;
    chainerser::check(ser_get_array(&outcome, h, e.key.c_str(), dtype, e.info.ndim, e.info.shape, v.data(),
                                    v.size() * sizeof(T)));
    return v;
}

template <class F>
std::string shortest(F x) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, x);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".einn") == std::string::npos) s += ".";  // numpy shows 2.0 as "2."
    return s;
}

std::string utf8_of(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xc0 | (cp >> 6)), out += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += char(0xe0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3f)), out += char(0x80 | (cp & 0x3f));
    } else {
        out += char(0xf0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3f));
        out += char(0x80 | ((cp >> 6) & 0x3f)), out += char(0x80 | (cp & 0x3f));
    }
    return out;
}

std::vector<std::string> text_elements(ser_handle *h, const Entry &e) {
    std::vector<unsigned char> raw = read_canonical(h, e);
    std::vector<std::string> out;
    const size_t width = e.info.itemsize;
    for (uint64_t k = 0; k < e.info.count; ++k) {
        std::string s;
        const unsigned char *p = raw.data() + k * width;
        if (e.info.dtype == SER_UNICODE) {
            for (size_t c = 0; c + 4 <= width; c += 4) {
                char32_t cp;
                std::memcpy(&cp, p + c, 4);
                s += utf8_of(cp);
            }
        } else {
            s.assign(reinterpret_cast<const char *>(p), width);
        }
        while (!s.empty() && s.back() == '\0') s.pop_back();
        out.push_back((e.info.dtype == SER_BYTES ? "b'" : "'") + s + "'");
    }
    return out;
}

}  // namespace

std::vector<std::string> element_strings(ser_handle *h, const Entry &e) {
    std::vector<std::string> out;
    switch (e.info.dtype) {
        case SER_NONE: return {"None"};
        case SER_UNICODE:
        case SER_BYTES: return text_elements(h, e);
        case SER_BOOL:
            for (unsigned char b : read_as<unsigned char>(h, e, SER_BOOL)) out.push_back(b ? "True" : "False");
            return out;
        case SER_UINT64:
            for (uint64_t v : read_as<uint64_t>(h, e, SER_UINT64)) out.push_back(std::to_string(v));
            return out;
        case SER_FLOAT16:
        case SER_FLOAT32:
            for (float v : read_as<float>(h, e, SER_FLOAT32)) out.push_back(shortest(v));
            return out;
        case SER_FLOAT64:
            for (double v : read_as<double>(h, e, SER_FLOAT64)) out.push_back(shortest(v));
            return out;
        case SER_COMPLEX64:
        case SER_COMPLEX128:
            for (auto v : read_as<std::complex<double>>(h, e, SER_COMPLEX128))
                out.push_back("(" + shortest(v.real()) + (v.imag() < 0 ? "" : "+") + shortest(v.imag()) + "j)");
            return out;
        default:
            for (int64_t v : read_as<int64_t>(h, e, SER_INT64)) out.push_back(std::to_string(v));
            return out;
    }
}

std::vector<double> element_values(ser_handle *h, const Entry &e) {
    if (e.info.dtype == SER_COMPLEX64 || e.info.dtype == SER_COMPLEX128) {
        std::vector<double> out;
        for (auto v : read_as<std::complex<double>>(h, e, SER_COMPLEX128)) out.push_back(v.real()), out.push_back(v.imag());
        return out;
    }
    if (e.info.dtype == SER_BOOL) {
        std::vector<double> out;
        for (unsigned char b : read_as<unsigned char>(h, e, SER_BOOL)) out.push_back(b ? 1.0 : 0.0);
        return out;
    }
    return read_as<double>(h, e, SER_FLOAT64);
}

namespace {

void layout_axis(const std::vector<std::string> &items, const std::vector<int64_t> &shape, size_t axis,
                 uint64_t offset, uint64_t stride_of_axis, bool summarize, std::string &out) {
    const int64_t n = shape[axis];
    const uint64_t inner = n ? stride_of_axis / uint64_t(n) : 0;
    out += '[';
    for (int64_t i = 0; i < n; ++i) {
        if (summarize && n > 6 && i == 3) {
            out += axis + 1 == shape.size() ? "... " : "...\n" + std::string(axis + 1, ' ');
            i = n - 3;
        }
        if (axis + 1 == shape.size()) {
            out += items[offset + uint64_t(i)];
            if (i + 1 < n) out += ' ';
        } else {
            layout_axis(items, shape, axis + 1, offset + uint64_t(i) * inner, inner, summarize, out);
            if (i + 1 < n) out += "\n" + std::string(shape.size() - axis - 1 > 1 ? 1 : 0, '\n') + std::string(axis + 1, ' ');
        }
    }
    out += ']';
}

}  // namespace

std::string layout(const std::vector<std::string> &items, const std::vector<int64_t> &shape, bool summarize) {
    if (shape.empty()) return items.empty() ? "" : items[0];
    std::string out;
    layout_axis(items, shape, 0, 0, items.size(), summarize, out);
    return out;
}

}  // namespace cli
