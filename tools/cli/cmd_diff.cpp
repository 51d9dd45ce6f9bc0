// chainerser diff A B [--rtol R] [--atol A] [--threads N]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "checkpoint.h"
#include "commands.h"
#include "values.h"

namespace cli {
namespace {

const char kUsage[] =
    "usage: chainerser diff A B [--rtol R] [--atol A] [--threads N]\n"
    "\n"
    "Compare two checkpoints of either format: keys in only one of them, dtype and\n"
    "shape differences, and values (the largest absolute and relative difference\n"
    "per key). Values are equal when |a - b| <= atol + rtol * |b| for every\n"
    "element. Exit status 0 if equal within tolerance, 1 if different, 2 on error.\n"
    "\n"
    "options:\n"
    "  --rtol R   relative tolerance (default 0)\n"
    "  --atol A   absolute tolerance (default 0)\n"
    CLI_THREADS_HELP
    "\n"
    "examples:\n"
    "  chainerser diff model.npz model.h5\n"
    "  chainerser diff before.npz after.npz --rtol 1e-5 --atol 1e-8\n";

struct Side {
    chainerser::Handle handle;
    std::map<std::string, Entry> entries;
};

Side open_side(const std::string &path, ser_options o) {
    o.cast = SER_CAST_SAFE;
    Side s{open_checkpoint(path, SER_READ, sniff_format(path), &o), {}};
    for (Entry &e : list_entries(s.handle.get())) s.entries.emplace(e.key, std::move(e));
    return s;
}

bool parse_tolerance(const std::string *text, double &out, std::string &err) {
    if (!text) return true;
    char *end = nullptr;
    out = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end || !(out >= 0)) {
        err = "tolerance must be a non-negative number, not '" + *text + "'";
        return false;
    }
    return true;
}

// Returns "" when equal within tolerance, else what differs.
std::string compare_values(Side &a, const Entry &ea, CanonicalBytes bytes_a, Side &b, const Entry &eb,
                           CanonicalBytes bytes_b, double rtol, double atol) {
    if (bytes_a == bytes_b) return "";
    if (ea.text()) return "values differ";
    std::vector<double> va = element_values(a.handle.get(), ea), vb = element_values(b.handle.get(), eb);
    double max_abs = 0, max_rel = 0;
    bool within = true;
    for (size_t i = 0; i < va.size(); ++i) {
        if (std::isnan(va[i]) && std::isnan(vb[i])) continue;
        double d = std::fabs(va[i] - vb[i]);
        if (std::isnan(d)) d = INFINITY;
        max_abs = std::max(max_abs, d);
        if (vb[i] != 0) max_rel = std::max(max_rel, d / std::fabs(vb[i]));
        else if (d > 0) max_rel = INFINITY;
        if (!(d <= atol + rtol * std::fabs(vb[i]))) within = false;
    }
    if (within) return "";
    char buf[128];
    std::snprintf(buf, sizeof buf, "values differ: max abs diff %.6g, max rel diff %.6g", max_abs, max_rel);
    return buf;
}

}  // namespace

int cmd_diff(const Args &args) {
    if (wants_help(args, kUsage)) return 0;
    Parsed p;
    std::string err;
    double rtol = 0, atol = 0;
    ser_options options;
    if (!parse_args(args, {}, {"--rtol", "--atol", "--threads"}, p, err) || !read_options(p, options, err) ||
        !parse_tolerance(p.get("--rtol"), rtol, err) || !parse_tolerance(p.get("--atol"), atol, err) ||
        p.positional.size() != 2)
        return report_error(err.empty() ? "diff takes two files (see chainerser diff --help)" : err);
    try {
        Side a = open_side(p.positional[0], options), b = open_side(p.positional[1], options);
        std::map<std::string, std::string> differences;  // by key, so they print in key order
        std::vector<Entry> same_a, same_b;                // same dtype and shape: compare the values
        for (const auto &[key, ea] : a.entries) {
            auto it = b.entries.find(key);
            if (it == b.entries.end()) {
                differences[key] = "only in " + p.positional[0];
                continue;
            }
            const Entry &eb = it->second;
            if (ea.none() || eb.none()) {
                if (ea.none() != eb.none()) differences[key] = ea.none() ? "None vs an array" : "an array vs None";
            } else if (ea.info.dtype != eb.info.dtype || ea.info.itemsize != eb.info.itemsize) {
                differences[key] = "dtype " + ea.descr() + " vs " + eb.descr();
            } else if (ea.shape() != eb.shape()) {
                differences[key] = "shape " + ea.shape() + " vs " + eb.shape();
            } else {
                same_a.push_back(ea);
                same_b.push_back(eb);
            }
        }
        // Both lists have the same sizes entry by entry, so their batches are the same.
        CanonicalBatch bytes_a, bytes_b;
        for (const auto &[from, to] : batches_of(same_a)) {
            bytes_a.read(a.handle.get(), same_a, from, to);
            bytes_b.read(b.handle.get(), same_b, from, to);
            for (size_t i = from; i < to; ++i) {
                std::string what =
                    compare_values(a, same_a[i], bytes_a[i - from], b, same_b[i], bytes_b[i - from], rtol, atol);
                if (!what.empty()) differences[same_a[i].key] = std::move(what);
            }
        }
        for (const auto &[key, what] : differences) std::printf("%s: %s\n", key.c_str(), what.c_str());
        size_t count = differences.size();
        for (const auto &[key, eb] : b.entries)
            if (!a.entries.count(key)) std::printf("%s: only in %s\n", key.c_str(), p.positional[1].c_str()), ++count;
        if (count) std::printf("%zu difference%s\n", count, count == 1 ? "" : "s");
        return count ? 1 : 0;
    } catch (const chainerser::Error &e) {
        return report_error(e.what());
    }
}

}  // namespace cli
