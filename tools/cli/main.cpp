// chainerser: look inside, compare, convert and verify Chainer checkpoints (NPZ and HDF5).
#include <chainerser/chainerser.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"

namespace {

const char kUsage[] =
    "usage: chainerser COMMAND [ARGS]\n"
    "\n"
    "Look inside, compare, convert and verify Chainer checkpoints: the NumPy .npz\n"
    "files of save_npz and the HDF5 files of save_hdf5. Every command tells the\n"
    "format from the file's contents, not its name (Chainer's snapshot_iter_N has no\n"
    "extension).\n"
    "\n"
    "commands:\n"
    "  ls FILE [--json] [--threads N]  list every entry: key, dtype, shape, sizes\n"
    "  show FILE KEY [--all]           print the values of one entry\n"
    "  diff A B [--rtol R] [--atol A] [--threads N]\n"
    "                                  compare two checkpoints\n"
    "  convert SRC DST [--to npz|h5] [--level N | --no-compress] [--threads N]\n"
    "                                  NPZ <-> HDF5, or NPZ -> NPZ to recompress\n"
    "  verify FILE [--threads N]       decode every entry, check CRCs and sizes\n"
    "\n"
    "--threads N: decode on N threads (default 0: one per core).\n"
    "\n"
    "options:\n"
    "  -h, --help   print this help; chainerser COMMAND --help describes a command\n"
    "  --version    the version of libchainerser the command runs with\n"
    "\n"
    "exit status:\n"
    "  0   success, equal (diff) or sound (verify)\n"
    "  1   different (diff) or unsound (verify)\n"
    "  2   error: bad arguments, a missing or unreadable file, a missing key\n"
    "\n"
    "examples:\n"
    "  chainerser ls result/snapshot_iter_1000\n"
    "  chainerser show model.npz predictor/l1/W\n"
    "  chainerser diff model.npz model.h5 --rtol 1e-6\n"
    "  chainerser convert result/snapshot_iter_1000 snapshot.h5\n"
    "  chainerser verify model.npz\n";

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string command = argv[1];
    const cli::Args args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("chainerser %s\n", ser_version_string());
        return 0;
    }
    if (command == "ls") return cli::cmd_ls(args);
    if (command == "show") return cli::cmd_show(args);
    if (command == "diff") return cli::cmd_diff(args);
    if (command == "convert") return cli::cmd_convert(args);
    if (command == "verify") return cli::cmd_verify(args);
    std::fprintf(stderr, "chainerser: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return 2;
}
