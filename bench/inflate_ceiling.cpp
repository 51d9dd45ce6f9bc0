// The codec ceiling of a file someone else wrote: the CPU time one thread spends inflating every
// deflated member with libdeflate, and nothing else (no CRC, no buffers of the caller, the file
// already in memory). Divided by the cores, it bounds any reader that inflates each member as
// one stream; run_bench.py prints the load ratio that bound allows next to the one we reach.
//
// usage: inflate_ceiling FILE.npz [--runs N]   prints {"bytes": ..., "cpu_seconds": ...}
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "codec/deflate.h"
#include "core/error.h"
#include "npz/zip_reader.h"

using namespace chainerser::core;

namespace {

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: inflate_ceiling FILE.npz [--runs N]\n");
        return 2;
    }
    const int runs = argc >= 4 && std::strcmp(argv[2], "--runs") == 0 ? std::max(1, std::atoi(argv[3])) : 5;
    try {
        ZipReader zip(argv[1], ZipLimits{});
        const unsigned char *file = zip.mapping(argv[1]);
        struct Stream {
            const unsigned char *in;
            size_t in_size, out_size;
        };
        std::vector<Stream> streams;
        size_t largest = 0;
        uint64_t bytes = 0;
        for (uint64_t i = 0; i < zip.members().size(); ++i) {
            const ZipEntry &m = zip.members()[i];
            if (m.method != 8) continue;
            streams.push_back({file + zip.data_offset(i, argv[1]), size_t(m.comp_size), size_t(m.size)});
            largest = std::max(largest, size_t(m.size));
            bytes += m.size;
        }
        std::vector<unsigned char> out(largest);
        std::fill(out.begin(), out.end(), 0);  // touched once, outside the timing
        double best = 1e300;
        for (int r = 0; r < runs; ++r) {
            const double t0 = thread_cpu_seconds();
            for (const Stream &s : streams)
                if (!inflate_raw_exact(s.in, s.in_size, out.data(), s.out_size)) fail(SER_EFORMAT, "corrupt member");
            best = std::min(best, thread_cpu_seconds() - t0);
        }
        std::printf("{\"bytes\": %llu, \"cpu_seconds\": %.6f}\n", static_cast<unsigned long long>(bytes), best);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "inflate_ceiling: %s\n", e.what());
        return 1;
    }
    return 0;
}
