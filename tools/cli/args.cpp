#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "commands.h"

namespace cli {

int report_error(const std::string &message) {
    std::fprintf(stderr, "chainerser: %s\n", message.c_str());
    return 2;
}

bool wants_help(const Args &args, const char *usage) {
    if (std::find(args.begin(), args.end(), "--help") == args.end() &&
        std::find(args.begin(), args.end(), "-h") == args.end())
        return false;
    std::fputs(usage, stdout);
    return true;
}

const std::string *Parsed::get(const std::string &name) const {
    for (const auto &o : options)
        if (o.first == name) return &o.second;
    return nullptr;
}

bool parse_args(const Args &args, const std::vector<std::string> &flags, const std::vector<std::string> &valued,
                Parsed &out, std::string &error) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a.size() < 2 || a.compare(0, 2, "--") != 0) {
            out.positional.push_back(a);
        } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
            out.options.emplace_back(a, "");
        } else if (std::find(valued.begin(), valued.end(), a) != valued.end()) {
            if (i + 1 >= args.size()) {
                error = a + " needs a value";
                return false;
            }
            out.options.emplace_back(a, args[++i]);
        } else {
            error = "unknown option " + a;
            return false;
        }
    }
    return true;
}

bool read_options(const Parsed &p, ser_options &out, std::string &error) {
    ser_options_init(&out, SER_OPTIONS_VERSION);
    const std::string *threads = p.get("--threads");
    if (!threads) return true;
    char *end = nullptr;
    const long v = std::strtol(threads->c_str(), &end, 10);
    if (end == threads->c_str() || *end || v < 0 || v > 1024) {
        error = "--threads must be a number from 0 (one per core) to 1024, not '" + *threads + "'";
        return false;
    }
    out.threads = int32_t(v);
    return true;
}

}  // namespace cli
