#include "npz/none_pickle.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace chainerser {

const std::string &none_pickle() {
    static const unsigned char bytes[] = {
        0x80, 0x03, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75, 0x6c, 0x74,
        0x69, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x72, 0x75, 0x63,
        0x74, 0x0a, 0x71, 0x00, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x6e, 0x64, 0x61, 0x72, 0x72, 0x61, 0x79,
        0x0a, 0x71, 0x01, 0x4b, 0x00, 0x85, 0x71, 0x02, 0x43, 0x01, 0x62, 0x71, 0x03, 0x87, 0x71, 0x04, 0x52, 0x71,
        0x05, 0x28, 0x4b, 0x01, 0x29, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x64, 0x74, 0x79, 0x70, 0x65, 0x0a,
        0x71, 0x06, 0x58, 0x02, 0x00, 0x00, 0x00, 0x4f, 0x38, 0x71, 0x07, 0x89, 0x88, 0x87, 0x71, 0x08, 0x52, 0x71,
        0x09, 0x28, 0x4b, 0x03, 0x58, 0x01, 0x00, 0x00, 0x00, 0x7c, 0x71, 0x0a, 0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff,
        0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x71, 0x0b, 0x62, 0x89, 0x5d, 0x71, 0x0c, 0x4e,
        0x61, 0x74, 0x71, 0x0d, 0x62, 0x2e};
    static const std::string s(reinterpret_cast<const char *>(bytes), sizeof bytes);
    return s;
}

namespace {

bool allowed_global(std::string_view module, std::string_view name) {
    bool numpy_core = module == "numpy.core.multiarray" || module == "numpy._core.multiarray";
    return (numpy_core && name == "_reconstruct") || (module == "numpy" && (name == "ndarray" || name == "dtype"));
}

}  // namespace

bool is_none_pickle(const unsigned char *p, size_t n) {
    size_t i = 0;
    auto need = [&](size_t k) { return i + k <= n; };
    auto u32 = [&](size_t at) {
        return uint32_t(p[at]) | uint32_t(p[at + 1]) << 8 | uint32_t(p[at + 2]) << 16 | uint32_t(p[at + 3]) << 24;
    };
    std::vector<std::string_view> strings;  // recent string operands, for STACK_GLOBAL
    int globals = 0;
    // The array's element list: EMPTY_LIST, then exactly one NONE and one APPEND (memo ops aside).
    enum { kNoList, kListOpen, kListNone, kListDone } list = kNoList;
    int lists = 0;
    while (need(1)) {
        unsigned char op = p[i++];
        switch (op) {
            case 0x80:  // PROTO
                if (!need(1) || p[i] < 2 || p[i] > 5) return false;
                i += 1;
                break;
            case 0x95:  // FRAME
                if (!need(8)) return false;
                i += 8;
                break;
            case 'c': {  // GLOBAL "module\nname\n"
                size_t a = i;
                while (i < n && p[i] != '\n') ++i;
                size_t b = ++i;
                while (i < n && p[i] != '\n') ++i;
                if (i >= n) return false;
                std::string_view mod(reinterpret_cast<const char *>(p + a), b - 1 - a);
                std::string_view name(reinterpret_cast<const char *>(p + b), i - b);
                ++i;
                if (!allowed_global(mod, name)) return false;
                ++globals;
                break;
            }
            case 0x93:  // STACK_GLOBAL
                if (strings.size() < 2 || !allowed_global(strings[strings.size() - 2], strings.back())) return false;
                strings.resize(strings.size() - 2);
                ++globals;
                break;
            case 0x8c:  // SHORT_BINUNICODE
            case 'U':   // SHORT_BINSTRING
            case 'C': {  // SHORT_BINBYTES
                if (!need(1) || !need(1 + size_t(p[i]))) return false;
                strings.emplace_back(reinterpret_cast<const char *>(p + i + 1), p[i]);
                i += 1 + size_t(p[i]);
                break;
            }
            case 'X':    // BINUNICODE
            case 'T':    // BINSTRING
            case 'B': {  // BINBYTES
                if (!need(4)) return false;
                uint32_t len = u32(i);
                if (!need(4 + size_t(len))) return false;
                strings.emplace_back(reinterpret_cast<const char *>(p + i + 4), len);
                i += 4 + len;
                break;
            }
            case 'q': if (!need(1)) return false; i += 1; break;  // BINPUT
            case 'r': if (!need(4)) return false; i += 4; break;  // LONG_BINPUT
            case 0x94: break;                                                  // MEMOIZE
            case 'h': if (!need(1)) return false; i += 1; break;               // BINGET
            case 'j': if (!need(4)) return false; i += 4; break;               // LONG_BINGET
            case 'K': if (!need(1)) return false; i += 1; break;               // BININT1
            case 'M': if (!need(2)) return false; i += 2; break;               // BININT2
            case 'J': if (!need(4)) return false; i += 4; break;               // BININT
            case ')': case 0x85: case 0x86: case 0x87: case '(': case 't':     // tuples, MARK
            case 'R': case 'b': case 0x88: case 0x89:                          // REDUCE BUILD NEWTRUE NEWFALSE
                break;
            case ']':  // EMPTY_LIST
                if (++lists > 1) return false;
                list = kListOpen;
                break;
            case 'N':  // NONE
                if (list == kListOpen) list = kListNone;
                break;
            case 'a':  // APPEND
                if (list != kListNone) return false;
                list = kListDone;
                break;
            case '.':  // STOP
                return i == n && list == kListDone && globals >= 2;
            default:
                return false;
        }
    }
    return false;
}

}  // namespace chainerser
