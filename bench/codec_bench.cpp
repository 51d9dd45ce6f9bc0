// Each raw deflate encoder of src/codec behind the one interface (deflate_with), on the members
// a checkpoint holds: W1t's trained-like weights and mostly-zero Adam moments, and W2's small
// npy members. Prints a markdown table (bench/RESULTS.md, "Deflate encoders").
//
// usage: codec_bench [--scale S] [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "codec/deflate_join.h"
#include "npz/npy_header.h"
#include "workloads.h"

using namespace chainerser::core;

namespace {

struct Member {
    std::vector<unsigned char> bytes;  // npy header + data, as a zip member holds it
};

struct Set {
    std::string name;
    std::vector<Member> members;
    uint64_t bytes = 0;
};

Member npy_member(const bench::Array &a) {
    ArrayMeta meta{native_type(a.is_int64_scalar ? SER_INT64 : SER_FLOAT32), a.shape, false};
    const std::string header = encode_npy_header(meta);
    Member m;
    m.bytes.assign(header.begin(), header.end());
    const auto *data = a.is_int64_scalar ? reinterpret_cast<const unsigned char *>(&a.i64)
                                          : reinterpret_cast<const unsigned char *>(a.f32.data());
    m.bytes.insert(m.bytes.end(), data, data + a.nbytes());
    return m;
}

Set make_set(const std::string &name, const std::string &workload, double scale, bool moments) {
    Set s{name, {}, 0};
    for (const bench::Array &a : bench::make_workload(workload, scale, 0)) {
        const bool is_moment = a.key.size() > 2 && (a.key.compare(a.key.size() - 2, 2, "/m") == 0 ||
                                                    a.key.compare(a.key.size() - 2, 2, "/v") == 0);
        if (workload == "W1t" && is_moment != moments) continue;
        s.members.push_back(npy_member(a));
        s.bytes += s.members.back().bytes.size();
    }
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Median seconds and compressed bytes of deflating every member of `s` with `encoder`.
void measure(const Set &s, DeflateEncoder encoder, const char *encoder_name, bool final, int runs) {
    std::vector<double> times;
    uint64_t out = 0;
    for (int r = 0; r < runs; ++r) {
        out = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (const Member &m : s.members) out += deflate_with(encoder, m.bytes.data(), m.bytes.size(), 6, final).size();
        times.push_back(seconds_since(t0));
    }
    std::sort(times.begin(), times.end());
    const double t = times[times.size() / 2];
    std::printf("| %s | %s | %s | %.4f | %.0f | %.2f |\n", s.name.c_str(), encoder_name,
                final ? "whole member" : "piece (open end)", t, s.bytes / t / 1e6, 100.0 * double(out) / double(s.bytes));
}

}  // namespace

int main(int argc, char **argv) {
    double scale = 0.25;
    int runs = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--scale") == 0) scale = std::atof(argv[i + 1]);
        else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    }
    const std::vector<Set> sets = {make_set("W1t weights", "W1t", scale, false),
                                   make_set("W1t Adam m, v", "W1t", scale, true),
                                   make_set("W2 small members", "W2", 1.0, false)};
    std::printf("| members | encoder | stream | median s | MB/s in | size %% of input |\n|---|---|---|---|---|---|\n");
    for (const Set &s : sets) {
        measure(s, DeflateEncoder::Libdeflate, "libdeflate", true, runs);
        measure(s, DeflateEncoder::Libdeflate, "libdeflate", false, runs);  // + the scan for its final block
        if (s.name.rfind("W2", 0) == 0) measure(s, DeflateEncoder::Small, "small", true, runs);
        else measure(s, DeflateEncoder::Literals, "literals", true, runs);
        measure(s, DeflateEncoder::Auto, "auto (deflate_raw's choice)", true, runs);
    }
    return 0;
}
