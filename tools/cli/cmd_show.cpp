// chainerser show FILE KEY [--all]
#include <cstdio>

#include "checkpoint.h"
#include "commands.h"
#include "values.h"

namespace cli {
namespace {
const char kUsage[] =
    "usage: chainerser show FILE KEY [--all]\n"
    "\n"
    "Print the values of one entry, numpy-style, after its dtype and shape. Arrays\n"
    "of more than 1000 elements are summarised with '...'.\n"
    "\n"
    "options:\n"
    "  --all   print every element, however many\n"
    "\n"
    "examples:\n"
    "  chainerser show model.npz predictor/l1/W\n"
    "  chainerser show result/snapshot_iter_1000 updater/iteration\n"
    "  chainerser show --all model.h5 predictor/l2/b\n";
constexpr uint64_t kSummaryThreshold = 1000;  // numpy's print threshold
}  // namespace

int cmd_show(const Args &args) {
    if (wants_help(args, kUsage)) return 0;
    Parsed p;
    std::string err;
    if (!parse_args(args, {"--all"}, {}, p, err) || p.positional.size() != 2)
        return report_error(err.empty() ? "show takes FILE and KEY (see chainerser show --help)" : err);
    const std::string &path = p.positional[0], &key = p.positional[1];
    try {
        ser_options o;
        ser_options_init(&o, SER_OPTIONS_VERSION);
        o.cast = SER_CAST_SAFE;
        chainerser::Handle h = open_checkpoint(path, SER_READ, sniff_format(path), &o);
        Entry e;
        e.key = key;
        chainerser::check(ser_get_info(&e.info, h.get(), key.c_str()));
        std::printf("%s: %s %s\n", key.c_str(), e.none() ? "None" : e.descr().c_str(), e.none() ? "" : e.shape().c_str());
        std::vector<int64_t> shape(e.info.shape, e.info.shape + e.info.ndim);
        bool summarize = !p.get("--all") && e.info.count > kSummaryThreshold;
        std::printf("%s\n", layout(element_strings(h.get(), e), shape, summarize).c_str());
        return 0;
    } catch (const chainerser::Error &e) {
        return report_error(e.what());
    }
}

}  // namespace cli
