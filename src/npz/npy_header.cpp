#include "npz/npy_header.h"

#include <cstring>
#include <string_view>

#include "core/error.h"

namespace chainerser::core {
namespace {

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

// A recursive-descent reader for exactly the Python literals a header may hold.
class HeaderParser {
public:
    HeaderParser(const char *p, size_t n, bool allow_long) : p_(p), end_(p + n), allow_long_(allow_long) {}

    NpyHeader parse() {
        NpyHeader h;
        bool seen_descr = false, seen_order = false, seen_shape = false;
        std::string_view descr;
        skip_ws();
        expect('{');
        skip_ws();
        while (peek() != '}') {
            const std::string_view key = parse_string();
            skip_ws();
            expect(':');
            skip_ws();
            if (key == "descr") {
                if (seen_descr) bad("duplicate key 'descr'");
                seen_descr = true;
                if (peek() == '[') fail(SER_EUNSUPPORTED, "structured dtypes (a descr list) are not supported");
                descr = parse_string();
            } else if (key == "fortran_order") {
                if (seen_order) bad("duplicate key 'fortran_order'");
                seen_order = true;
                h.meta.fortran_order = parse_bool();
            } else if (key == "shape") {
                if (seen_shape) bad("duplicate key 'shape'");
                seen_shape = true;
                h.meta.shape = parse_shape();
            } else {
                bad("unexpected key '" + std::string(key) + "'");
            }
            skip_ws();
            if (peek() == ',') {
                ++p_;
                skip_ws();
            } else if (peek() != '}') {
                bad("expected ',' or '}'");
            }
        }
        ++p_;
        skip_padding();
        if (p_ != end_) bad("trailing characters after the dictionary");
        if (!seen_descr || !seen_order || !seen_shape) bad("the keys must be exactly 'descr', 'fortran_order', 'shape'");
        if (!parse_descr(descr, h.meta.type))
            fail(SER_EUNSUPPORTED, "unsupported dtype descr '" + std::string(descr) + "'");
        return h;
    }

private:
    [[noreturn]] void bad(const std::string &why) { fail(SER_EFORMAT, "corrupt npy header: " + why); }
    char peek() const { return p_ < end_ ? *p_ : '\0'; }
    void expect(char c) {
        if (peek() != c) bad(std::string("expected '") + c + "'");
        ++p_;
    }
    // The spaces NumPy pads the header with (tens of bytes), eight at a time, then skip_ws().
    void skip_padding() {
        constexpr uint64_t kSpaces = 0x2020202020202020ull;
        for (uint64_t word; end_ - p_ >= 8 && (std::memcpy(&word, p_, 8), word == kSpaces);) p_ += 8;
        skip_ws();
    }
    void skip_ws() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    std::string_view parse_string() {  // a view into the header
        char q = peek();
        if (q != '\'' && q != '"') bad("expected a string");
        const char *start = ++p_;
        while (p_ < end_ && *p_ != q) {
            if (*p_ == '\\' || *p_ == '\n') bad("escapes are not allowed in header strings");
            ++p_;
        }
        const std::string_view s(start, size_t(p_ - start));
        expect(q);
        return s;
    }
    bool parse_bool() {
        if (end_ - p_ >= 4 && std::memcmp(p_, "True", 4) == 0) return p_ += 4, true;
        if (end_ - p_ >= 5 && std::memcmp(p_, "False", 5) == 0) return p_ += 5, false;
        bad("fortran_order must be True or False");
    }
    int64_t parse_int() {
        if (peek() < '0' || peek() > '9') bad("expected a non-negative integer in the shape");
        uint64_t v = 0;
        while (peek() >= '0' && peek() <= '9') {
            if (v > (uint64_t(INT64_MAX) - 9) / 10) bad("shape extent too large");
            v = v * 10 + uint64_t(*p_++ - '0');
        }
        if (allow_long_ && (peek() == 'L' || peek() == 'l')) ++p_;
        return int64_t(v);
    }
    std::vector<int64_t> parse_shape() {
        expect('(');
        std::vector<int64_t> shape;
        skip_ws();
        bool trailing_comma = false;
        while (peek() != ')') {
            shape.push_back(parse_int());
            if (shape.size() > SER_MAX_NDIM) fail(SER_EUNSUPPORTED, "npy header has more than 32 dimensions (numpy 2 allows 64; this library 32)");
            skip_ws();
            trailing_comma = false;
            if (peek() == ',') {
                ++p_;
                skip_ws();
                trailing_comma = true;
            } else if (peek() != ')') {
                bad("expected ',' or ')' in the shape");
            }
        }
        ++p_;
        if (shape.size() == 1 && !trailing_comma) bad("shape is not a tuple");
        return shape;
    }

    const char *p_;
    const char *end_;
    bool allow_long_;
};

}  // namespace

uint64_t npy_data_offset(const unsigned char *p, size_t n, uint64_t max_header_bytes) {
    if (n < 10 || std::memcmp(p, kMagic, 6) != 0) fail(SER_EFORMAT, "not an npy array (bad magic)");
    int major = p[6], minor = p[7];
    if (!((major == 1 || major == 2 || major == 3) && minor == 0))
        fail(SER_EFORMAT, "unsupported npy format version " + std::to_string(major) + "." + std::to_string(minor));
    uint64_t hlen, pre;
    if (major == 1) {
        hlen = uint64_t(p[8]) | uint64_t(p[9]) << 8;
        pre = 10;
    } else {
        if (n < 12) fail(SER_EFORMAT, "truncated npy header");
        hlen = uint64_t(p[8]) | uint64_t(p[9]) << 8 | uint64_t(p[10]) << 16 | uint64_t(p[11]) << 24;
        pre = 12;
    }
    if (max_header_bytes && hlen > max_header_bytes)
        fail(SER_ELIMIT, "npy header of " + std::to_string(hlen) + " bytes exceeds the limit of " +
                             std::to_string(max_header_bytes));
    return pre + hlen;
}

NpyHeader decode_npy_header(const unsigned char *p, size_t n, uint64_t max_header_bytes) {
    uint64_t offset = npy_data_offset(p, n, max_header_bytes);
    if (n < offset) fail(SER_EFORMAT, "truncated npy header");
    size_t pre = p[6] == 1 ? 10 : 12;
    HeaderParser parser(reinterpret_cast<const char *>(p + pre), size_t(offset - pre), p[6] != 3);
    NpyHeader h = parser.parse();
    h.major = p[6];
    h.minor = p[7];
    h.data_offset = offset;
    return h;
}

std::string encode_npy_header(const ArrayMeta &meta) {
    std::string dict = "{'descr': '" + descr_of(meta.type) + "', 'fortran_order': " +
                       (meta.fortran_order ? "True" : "False") + ", 'shape': " + meta.shape_repr() + ", }";
    if (!meta.shape.empty()) {  // numpy >= 1.24 leaves room to grow the first (C) or last (F) axis
        int64_t axis = meta.fortran_order ? meta.shape.back() : meta.shape.front();
        dict.append(21 - std::to_string(axis).size(), ' ');
    }
    for (int major : {1, 2}) {
        size_t len_field = major == 1 ? 2 : 4;
        size_t hlen = dict.size() + 1;
        size_t padlen = 64 - ((8 + len_field + hlen) % 64);
        size_t total = hlen + padlen;
        if (major == 1 && total > 65535) continue;
        std::string out(reinterpret_cast<const char *>(kMagic), 6);
        out += char(major);
        out += char(0);
        for (size_t k = 0; k < len_field; ++k) out += char((total >> (8 * k)) & 0xff);
        out += dict;
        out.append(padlen, ' ');
        out += '\n';
        return out;
    }
    fail(SER_EINTERNAL, "npy header does not fit");
}

}  // namespace chainerser::core
