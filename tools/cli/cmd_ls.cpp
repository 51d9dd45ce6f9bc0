// chainerser ls FILE [--json] [--threads N]
#include <cstdio>

#include "checkpoint.h"
#include "commands.h"
#include "sha256.h"
#include "values.h"

namespace cli {
namespace {

const char kUsage[] =
    "usage: chainerser ls FILE [--json] [--threads N]\n"
    "\n"
    "List every entry of a checkpoint: key, dtype (numpy descr), shape, elements\n"
    "and bytes, with totals; a single string is shown with its value.\n"
    "\n"
    "options:\n"
    "  --json   print one JSON array of objects with key, dtype, shape, none,\n"
    "           count, nbytes and sha256 (of the elements in C order, little-endian;\n"
    "           null for None), so a tensor hashes the same in NPZ and HDF5\n"
    CLI_THREADS_HELP
    "\n"
    "examples:\n"
    "  chainerser ls model.npz\n"
    "  chainerser ls --json result/snapshot_iter_1000 | python3 -m json.tool\n";

std::string json_string(const std::string &s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += '\\', out += char(c);
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else out += char(c);
    }
    return out + "\"";
}

std::string with_commas(unsigned long long v) {
    std::string s = std::to_string(v);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return s;
}

void print_json(ser_handle *h, const std::vector<Entry> &entries) {
    std::vector<std::string> hashes;
    hashes.reserve(entries.size());
    for_each_canonical(h, entries, [&](const Entry &e, CanonicalBytes bytes) {
        if (e.none()) return hashes.push_back("null");
        Sha256 sha;
        sha.update(bytes.data, bytes.size);
        hashes.push_back(json_string(sha.hex_digest()));
    });
    std::printf("[");
    for (size_t i = 0; i < entries.size(); ++i) {
        const Entry &e = entries[i];
        std::string shape = "[";
        for (int32_t d = 0; d < e.info.ndim; ++d) shape += (d ? ", " : "") + std::to_string(e.info.shape[d]);
        shape += "]";
        const std::string &hash = hashes[i];
        std::printf("%s\n  {\"key\": %s, \"dtype\": %s, \"shape\": %s, \"none\": %s, \"count\": %llu, \"nbytes\": %llu, "
                    "\"sha256\": %s}",
                    i ? "," : "", json_string(e.key).c_str(), json_string(e.none() ? "|O" : e.descr()).c_str(),
                    shape.c_str(), e.none() ? "true" : "false", (unsigned long long)e.info.count,
                    (unsigned long long)e.info.nbytes, hash.c_str());
    }
    std::printf("%s]\n", entries.empty() ? "" : "\n");
}

void print_table(ser_handle *h, const std::string &path, Format format, const std::vector<Entry> &entries) {
    size_t kw = 3, dw = 5, sw = 5;
    for (const Entry &e : entries) {
        kw = std::max(kw, e.key.size());
        dw = std::max(dw, e.none() ? size_t(4) : e.descr().size());
        sw = std::max(sw, e.shape().size());
    }
    std::printf("%-*s  %-*s  %-*s  %12s  %14s\n", int(kw), "KEY", int(dw), "DTYPE", int(sw), "SHAPE", "ELEMENTS", "BYTES");
    unsigned long long params = 0, bytes = 0;
    for (const Entry &e : entries) {
        std::string value;
        if (e.none()) value = "None";
        else if (e.text() && e.info.count == 1) value = element_strings(h, e)[0];
        if (value.size() > 60) value = value.substr(0, 57) + "...";
        if (!e.none() && !e.text()) params += e.info.count;
        bytes += e.info.nbytes;
        std::printf("%-*s  %-*s  %-*s  %12s  %14s%s%s\n", int(kw), e.key.c_str(), int(dw),
                    e.none() ? "None" : e.descr().c_str(), int(sw), e.none() ? "-" : e.shape().c_str(),
                    e.none() ? "-" : with_commas(e.info.count).c_str(), e.none() ? "-" : with_commas(e.info.nbytes).c_str(),
                    value.empty() || e.none() ? "" : "  ", e.none() ? "" : value.c_str());
    }
    unsigned long long size = file_size(path);
    std::printf("%zu entries, %s parameters, %s bytes of data; file %s bytes (%s", entries.size(),
                with_commas(params).c_str(), with_commas(bytes).c_str(), with_commas(size).c_str(), format_name(format));
    if (size && bytes) std::printf(", %.2f:1", double(bytes) / double(size));
    std::printf(")\n");
}

}  // namespace

int cmd_ls(const Args &args) {
    if (wants_help(args, kUsage)) return 0;
    Parsed p;
    std::string err;
    ser_options options;
    if (!parse_args(args, {"--json"}, {"--threads"}, p, err) || !read_options(p, options, err) ||
        p.positional.size() != 1)
        return report_error(err.empty() ? "ls takes one FILE (see chainerser ls --help)" : err);
    const std::string &path = p.positional[0];
    try {
        Format format = sniff_format(path);
        chainerser::Handle h = open_checkpoint(path, SER_READ, format, &options);
        std::vector<Entry> entries = list_entries(h.get());
        if (p.get("--json")) print_json(h.get(), entries);
        else print_table(h.get(), path, format, entries);
        return 0;
    } catch (const chainerser::Error &e) {
        return report_error(e.what());
    }
}

}  // namespace cli
