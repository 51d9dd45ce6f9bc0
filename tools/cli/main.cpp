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
    "Read, compare and convert Chainer checkpoints (.npz and HDF5).\n"
    "\n"
    "commands:\n"
    "  ls FILE [--json]                 list every entry: key, dtype, shape, elements, bytes\n"
    "  show FILE KEY [--all]            print the values of one entry\n"
    "  diff A B [--rtol R] [--atol A]   compare two checkpoints (exit 0 equal, 1 different)\n"
    "  convert SRC DST [--to npz|h5] [--level N | --no-compress]\n"
    "                                   NPZ <-> HDF5, or NPZ -> NPZ to recompress\n"
    "  verify FILE                      decode every entry and check CRCs and sizes\n"
    "\n"
    "options: --help (also per command), --version\n"
    "exit codes: 0 success, 1 different (diff) or unsound (verify), 2 error\n";

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
