// chainerser verify FILE [--threads N]
#include <cstdio>

#include "checkpoint.h"
#include "commands.h"
#include "progress.h"

namespace cli {
namespace {
const char kUsage[] =
    "usage: chainerser verify FILE [--threads N]\n"
    "\n"
    "Read and decode every entry: npy headers, sizes and the CRC-32 of every zip\n"
    "member; HDF5 datasets through their filters. Exit status 0 if the file is\n"
    "sound; 1, with the first problem named, if it is not (also when it is neither\n"
    "NPZ nor HDF5); 2 if it cannot be read at all (a missing file, a directory, an\n"
    "I/O error).\n"
    "\n"
    "options:\n"
    CLI_THREADS_HELP
    "\n"
    "examples:\n"
    "  chainerser verify model.npz\n"
    "  for f in result/snapshot_iter_*; do chainerser verify \"$f\"; done\n";

bool is_defect(int code) {
    return code == SER_EFORMAT || code == SER_EUNSUPPORTED || code == SER_ELIMIT || code == SER_EMISMATCH;
}
}  // namespace

int cmd_verify(const Args &args) {
    if (wants_help(args, kUsage)) return 0;
    Parsed p;
    std::string err;
    ser_options options;
    if (!parse_args(args, {}, {"--threads"}, p, err) || !read_options(p, options, err) || p.positional.size() != 1)
        return report_error(err.empty() ? "verify takes one FILE (see chainerser verify --help)" : err);
    const std::string &path = p.positional[0];
    try {
        chainerser::Handle h = open_checkpoint(path, SER_READ, sniff_format(path), &options);
        std::vector<Entry> entries = list_entries(h.get());
        uint64_t total = 0;
        for (const Entry &e : entries) total += e.info.nbytes;
        Progress progress("verify", total);
        for_each_canonical(h.get(), entries, [&](const Entry &e, CanonicalBytes) {
            progress.advance(e.info.nbytes);
        });
        std::printf("%s: OK, %zu entries, %llu bytes of data decoded\n", path.c_str(), entries.size(),
                    (unsigned long long)total);
        return 0;
    } catch (const chainerser::Error &e) {
        report_error(e.what());
        return is_defect(e.code()) ? 1 : 2;
    }
}

}  // namespace cli
