// Prints the options table (core/options) for checks outside C++: `--json` for
// options_table_check.py, `--markdown` for the table in docs/options.md.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/options.h"

using namespace chainerser::core;

namespace {

std::string json_string(const char *s) {
    std::string out = "\"";
    for (const char *p = s; *p; ++p) {
        if (*p == '"' || *p == '\\') out += '\\';
        out += *p;
    }
    return out + "\"";
}

std::string range_text(const OptionSpec &s) {
    const bool unbounded = s.max == (s.size == 8 ? UINT64_MAX : s.is_signed ? uint64_t(INT32_MAX) : uint64_t(UINT32_MAX));
    return std::to_string(s.min) + " – " + (unbounded ? std::string("any") : std::to_string(s.max));
}

void print_json() {
    std::printf("{\"options\": [");
    const char *sep = "";
    for (const OptionSpec &s : option_table()) {
        std::printf("%s\n {\"name\": %s, \"offset\": %zu, \"size\": %zu, \"signed\": %s, \"default\": %" PRId64
                    ", \"min\": %" PRId64 ", \"max\": %" PRIu64 ", \"since\": %u}",
                    sep, json_string(s.name).c_str(), s.offset, s.size, s.is_signed ? "true" : "false", s.default_value,
                    s.min, s.max, s.since_version);
        sep = ",";
    }
    std::printf("],\n \"pointer_fields\": [");
    sep = "";
    for (const char *name : pointer_option_names()) {
        std::printf("%s%s", sep, json_string(name).c_str());
        sep = ", ";
    }
    std::printf("],\n \"size\": %zu}\n", sizeof(ser_options));
}

void print_markdown() {
    std::printf("| field | default | range | since version | meaning |\n|---|---|---|---|---|\n");
    for (const OptionSpec &s : option_table())
        std::printf("| `%s` | %" PRId64 " | %s | %u | %s |\n", s.name, s.default_value, range_text(s).c_str(),
                    s.since_version, s.meaning);
    std::printf("\n| fixed limit | value | meaning |\n|---|---|---|\n");
    for (const FixedLimit &l : fixed_limits()) std::printf("| `%s` | %" PRIu64 " | %s |\n", l.name, l.value, l.meaning);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc == 2 && std::strcmp(argv[1], "--json") == 0) {
        print_json();
        return 0;
    }
    if (argc == 2 && std::strcmp(argv[1], "--markdown") == 0) {
        print_markdown();
        return 0;
    }
    std::fprintf(stderr, "usage: options_table_dump --json|--markdown\n");
    return 2;
}
