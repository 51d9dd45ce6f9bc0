// The subcommands. Each takes its arguments (after the command name) and returns the exit code:
// 0 success / equal / sound, 1 different / unsound, 2 usage or runtime error.
#pragma once

#include <chainerser/chainerser.h>

#include <string>
#include <vector>

namespace cli {

using Args = std::vector<std::string>;

int cmd_ls(const Args &args);
int cmd_show(const Args &args);
int cmd_diff(const Args &args);
int cmd_convert(const Args &args);
int cmd_verify(const Args &args);

// Shared by the commands: "chainerser: <message>" on stderr, returns 2.
int report_error(const std::string &message);
// True if args holds --help/-h; then the usage text was printed.
bool wants_help(const Args &args, const char *usage);
// Reads options of the form --name VALUE; unknown options are errors (returns false).
struct Parsed {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // name -> value ("" for flags)
    const std::string *get(const std::string &name) const;
};
bool parse_args(const Args &args, const std::vector<std::string> &flags, const std::vector<std::string> &valued,
                Parsed &out, std::string &error);
// Read options from --threads N (decoding threads; absent or 0: one per core). False, with
// `error` set, if N is not a number from 0 to 1024.
bool read_options(const Parsed &p, ser_options &out, std::string &error);
// The --threads line of the commands' usage texts.
#define CLI_THREADS_HELP "  --threads N   decode on N threads (default 0: one per core)\n"


}  // namespace cli
