#include "npz/none_pickle.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace chainerser::core {

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
    return (numpy_core && name == "_reconstruct") || (module == "numpy" && (name == "ndarray" || name == "dtype")) ||
           // Python 3 pickles bytes (ndarray's b'b' type code) at protocol 2 as _codecs.encode(str, 'latin1').
           (module == "_codecs" && name == "encode");
}

}  // namespace

bool is_none_pickle(const unsigned char *p, size_t n) {
    size_t i = 0;
    auto need = [&](size_t k) { return i + k <= n; };
    auto u32 = [&](size_t at) {
        return uint32_t(p[at]) | uint32_t(p[at + 1]) << 8 | uint32_t(p[at + 2]) << 16 | uint32_t(p[at + 3]) << 24;
    };
    // What the most recent pushes were (a string operand, or something else) since the last op that
    // consumed stack items: STACK_GLOBAL's two operands must be the two pushes right before it.
    using Pushed = std::optional<std::string_view>;
    std::vector<Pushed> pushed;
    std::map<uint32_t, Pushed> memo;
    auto memo_put = [&](uint32_t at) {
        if (pushed.empty()) return false;
        memo[at] = pushed.back();
        return true;
    };
    auto memo_get = [&](uint32_t at) {
        auto it = memo.find(at);
        if (it == memo.end()) return false;
        pushed.push_back(it->second);
        return true;
    };
    int globals = 0;
    // The array's element list: EMPTY_LIST, then exactly one NONE and one APPEND (memo ops aside).
    enum { kNoList, kListOpen, kListNone, kListDone } list = kNoList;
    int lists = 0;
    // ndarray's state tuple opens with the first MARK: (version, shape, ...). The shape must be ().
    enum { kBeforeState, kStateOpen, kVersionSeen, kShapeEmpty } state = kBeforeState;
    while (need(1)) {
        unsigned char op = p[i++];
        const bool memo_op = op == 'q' || op == 'r' || op == 0x94;
        if (!memo_op && state == kStateOpen) {
            if (op != 'K') return false;
            state = kVersionSeen;
        } else if (!memo_op && state == kVersionSeen) {
            if (op != ')') return false;
            state = kShapeEmpty;
        }
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
                pushed.emplace_back();
                break;
            }
            case 0x93:  // STACK_GLOBAL
                if (pushed.size() < 2 || !pushed[pushed.size() - 2] || !pushed.back() ||
                    !allowed_global(*pushed[pushed.size() - 2], *pushed.back()))
                    return false;
                pushed.resize(pushed.size() - 2);
                pushed.emplace_back();
                ++globals;
                break;
            case 0x8c:  // SHORT_BINUNICODE
            case 'U':   // SHORT_BINSTRING
            case 'C': {  // SHORT_BINBYTES
                if (!need(1) || !need(1 + size_t(p[i]))) return false;
                pushed.emplace_back(std::string_view(reinterpret_cast<const char *>(p + i + 1), p[i]));
                i += 1 + size_t(p[i]);
                break;
            }
            case 'X':    // BINUNICODE
            case 'T':    // BINSTRING
            case 'B': {  // BINBYTES
                if (!need(4)) return false;
                uint32_t len = u32(i);
                if (!need(4 + size_t(len))) return false;
                pushed.emplace_back(std::string_view(reinterpret_cast<const char *>(p + i + 4), len));
                i += 4 + len;
                break;
            }
            case 'q':  // BINPUT
                if (!need(1) || !memo_put(p[i])) return false;
                i += 1;
                break;
            case 'r':  // LONG_BINPUT
                if (!need(4) || !memo_put(u32(i))) return false;
                i += 4;
                break;
            case 0x94:  // MEMOIZE
                if (!memo_put(uint32_t(memo.size()))) return false;
                break;
            case 'h':  // BINGET
                if (!need(1) || !memo_get(p[i])) return false;
                i += 1;
                break;
            case 'j':  // LONG_BINGET
                if (!need(4) || !memo_get(u32(i))) return false;
                i += 4;
                break;
            case 'K': if (!need(1)) return false; i += 1; pushed.emplace_back(); break;  // BININT1
            case 'M': if (!need(2)) return false; i += 2; pushed.emplace_back(); break;  // BININT2
            case 'J': if (!need(4)) return false; i += 4; pushed.emplace_back(); break;  // BININT
            case '(':  // MARK
                if (state == kBeforeState) state = kStateOpen;
                pushed.emplace_back();
                break;
            case ')': case 0x88: case 0x89:  // EMPTY_TUPLE NEWTRUE NEWFALSE
                pushed.emplace_back();
                break;
            case 0x85: case 0x86: case 0x87: case 't': case 'R': case 'b':  // tuples REDUCE BUILD consume
                pushed.clear();
                pushed.emplace_back();
                break;
            case ']':  // EMPTY_LIST
                if (++lists > 1) return false;
                list = kListOpen;
                pushed.emplace_back();
                break;
            case 'N':  // NONE
                if (list == kListOpen) list = kListNone;
                pushed.emplace_back();
                break;
            case 'a':  // APPEND
                if (list != kListNone) return false;
                list = kListDone;
                pushed.clear();
                pushed.emplace_back();
                break;
            case '.':  // STOP
                return i == n && list == kListDone && globals >= 2 && state == kShapeEmpty;
            default:
                return false;
        }
    }
    return false;
}

}  // namespace chainerser::core
