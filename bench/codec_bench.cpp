// Each raw deflate encoder of src/codec behind the one interface (deflate_with), on the members
// a checkpoint holds: W1t's trained-like weights and mostly-zero Adam moments, and W2's small
// npy members. Prints a markdown table (bench/RESULTS.md, "Deflate encoders").
//
// Then the join step by itself (open_deflate_end on libdeflate's streams), and one large member
// compressed in pieces on two threads as the NPZ writer does.
//
// usage: codec_bench [--scale S] [--runs N] [--large-mib M]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
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

// Median seconds of open_deflate_end alone on libdeflate's whole-member streams of `s`.
void measure_join(const Set &s, int runs) {
    std::vector<ByteBuffer> streams;
    for (const Member &m : s.members)
        streams.push_back(deflate_with(DeflateEncoder::Libdeflate, m.bytes.data(), m.bytes.size(), 6, true));
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        std::vector<ByteBuffer> copies;
        for (const ByteBuffer &b : streams) {
            copies.emplace_back(b.size() + kOpenEndBytes);
            std::memcpy(copies.back().data(), b.data(), b.size());
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (size_t k = 0; k < copies.size(); ++k) open_deflate_end(copies[k].data(), streams[k].size());
        times.push_back(seconds_since(t0));
    }
    std::sort(times.begin(), times.end());
    const double t = times[times.size() / 2];
    std::printf("| %s | join step (open_deflate_end) | libdeflate's stream | %.4f | %.0f | |\n", s.name.c_str(), t,
                s.bytes / t / 1e6);
}

// One member of `mib` MiB of W1t-like float32 weights, in 8 MiB pieces deflated on two threads
// (each piece but the last open-ended), as the NPZ writer splits a large member.
void measure_large(size_t mib, int runs) {
    std::vector<unsigned char> data(mib << 20);
    std::mt19937 rng(20261207);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    for (size_t i = 0; i < data.size(); i += 4) {
        const float v = normal(rng);
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        bits &= 0xffff8000u;
        std::memcpy(&data[i], &bits, 4);
    }
    const size_t per = size_t(8) << 20, pieces = (data.size() + per - 1) / per;
    std::vector<double> times;
    uint64_t out = 0;
    for (int r = 0; r < runs; ++r) {
        std::vector<uint64_t> sizes(pieces);
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> threads;
        for (size_t t = 0; t < 2; ++t)
            threads.emplace_back([&, t] {
                for (size_t i = t; i < pieces; i += 2) {
                    const ByteSpan in{data.data() + i * per, std::min(per, data.size() - i * per)};
                    sizes[i] = deflate_raw(&in, 1, 6, i + 1 == pieces).size();
                }
            });
        for (std::thread &th : threads) th.join();
        times.push_back(seconds_since(t0));
        out = 0;
        for (uint64_t n : sizes) out += n;
    }
    std::sort(times.begin(), times.end());
    const double t = times[times.size() / 2];
    std::printf("| %zu MiB W1t-like weights | auto, 8 MiB pieces, 2 threads | joined pieces | %.4f | %.0f | %.4f |\n",
                mib, t, data.size() / t / 1e6, 100.0 * double(out) / double(data.size()));
}

}  // namespace

int main(int argc, char **argv) {
    double scale = 0.25;
    int runs = 3;
    size_t large_mib = 256;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--scale") == 0) scale = std::atof(argv[i + 1]);
        else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--large-mib") == 0) large_mib = size_t(std::atol(argv[i + 1]));
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
        if (s.name.rfind("W1t", 0) == 0) measure_join(s, runs);
    }
    if (large_mib) measure_large(large_mib, runs);
    return 0;
}
