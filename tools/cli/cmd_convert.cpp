// chainerser convert SRC DST [--to npz|h5] [--level N | --no-compress] [--threads N]
#include <cstdio>
#include <cstdlib>

#include "checkpoint.h"
#include "commands.h"
#include "progress.h"

namespace cli {
namespace {
const char kUsage[] =
    "usage: chainerser convert SRC DST [--to npz|h5] [--level N | --no-compress] [--threads N]\n"
    "\n"
    "Copy every entry of SRC into a new DST, losslessly (keys, dtypes, byte order,\n"
    "shapes, None and strings). The format of DST comes from its extension (.npz,\n"
    ".h5, .hdf5) or from --to; NPZ -> NPZ recompresses. DST is replaced\n"
    "atomically: on any error the old DST is left as it was.\n"
    "\n"
    "options:\n"
    "  --to npz|h5     the format of DST, for a name without an extension\n"
    "  --level N       deflate level 0-9 (default: NPZ 6, HDF5 4)\n"
    "  --no-compress   store the data uncompressed\n"
    CLI_THREADS_HELP
    "\n"
    "examples:\n"
    "  chainerser convert model.npz model.h5\n"
    "  chainerser convert result/snapshot_iter_1000 snapshot.h5\n"
    "  chainerser convert model.h5 model_copy --to npz --level 9\n";
}  // namespace

int cmd_convert(const Args &args) {
    if (wants_help(args, kUsage)) return 0;
    Parsed p;
    std::string err;
    ser_options ro, wo;
    if (!parse_args(args, {"--no-compress"}, {"--to", "--level", "--threads"}, p, err) || !read_options(p, ro, err) ||
        p.positional.size() != 2)
        return report_error(err.empty() ? "convert takes SRC and DST (see chainerser convert --help)" : err);
    const std::string &src_path = p.positional[0], &dst_path = p.positional[1];
    wo = ro;
    if (const std::string *level = p.get("--level")) {
        char *end = nullptr;
        long v = std::strtol(level->c_str(), &end, 10);
        if (end == level->c_str() || *end || v < 0 || v > 9) return report_error("--level must be 0-9, not '" + *level + "'");
        if (p.get("--no-compress")) return report_error("--level and --no-compress exclude each other");
        wo.compression_level = int32_t(v);
    }
    if (p.get("--no-compress")) wo.compress = 0;
    try {
        const std::string *to = p.get("--to");
        Format dst_format = format_for_writing(dst_path, to ? *to : "");
        chainerser::Handle src = open_checkpoint(src_path, SER_READ, sniff_format(src_path), &ro);
        std::vector<Entry> entries = list_entries(src.get());
        uint64_t total = 0;
        for (const Entry &e : entries) total += e.info.nbytes;
        chainerser::Handle dst = open_checkpoint(dst_path, SER_WRITE, dst_format, &wo);
        Progress progress("convert", total);
        for (const Entry &e : entries) {
            chainerser::check(ser_copy_entry(dst.get(), src.get(), e.key.c_str()));
            progress.advance(e.info.nbytes);
        }
        dst.close();
        return 0;
    } catch (const chainerser::Error &e) {
        return report_error(e.what());
    }
}

}  // namespace cli
