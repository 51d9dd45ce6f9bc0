// The MPI flavour's benchmark: every rank of MPI_COMM_WORLD saves one checkpoint together, a
// model of `MiB` MiB of float32 either sharded over the ranks (one array, row blocks, through
// ser_put_array_slab) or replicated (written by rank 0 as 32 arrays), in NPZ compressed, NPZ
// stored and HDF5 gzip 4; then every rank loads the sharded array's block back. Prints one line
// per case: ranks, format, workload, seconds (slowest rank, best of `runs`), MiB/s, and the
// largest peak RSS of any rank. Run by hand: bench/run_mpi_bench.sh.
//
// usage: chainerser_mpi_bench DIR [MiB] [runs]
#include <chainerser/mpi.h>
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

// Trained weights: float32 of random mantissas around a few exponents.
std::vector<float> weights(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::vector<float> v(n);
    for (float &x : v) x = normal(rng);
    return v;
}

struct Case {
    const char *format;
    int (*open)(ser_handle **, MPI_Comm, const char *, int32_t, const ser_options *);
    int compress;
};

double slowest(double seconds) {
    double max = 0;
    MPI_Allreduce(&seconds, &max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return max;
}

long peak_rss_mib() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    long mine = u.ru_maxrss / 1024, max = 0;
    MPI_Allreduce(&mine, &max, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    return max;
}

void check(int rc) {
    if (rc == SER_OK) return;
    std::fprintf(stderr, "%s\n", ser_errmsg());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

}  // namespace

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) {
        if (rank == 0) std::fprintf(stderr, "usage: chainerser_mpi_bench DIR [MiB] [runs]\n");
        MPI_Finalize();
        return 2;
    }
    const std::string dir = argv[1];
    const double mib = argc > 2 ? std::atof(argv[2]) : 64;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
    const int64_t cols = 1024, rows = std::max<int64_t>(size, int64_t(mib * 1024 * 1024 / 4 / cols));
    const int64_t first = rows * rank / size, last = rows * (rank + 1) / size;
    const std::vector<float> block = weights(size_t((last - first) * cols), uint64_t(rank) + 1);
    const std::vector<float> model = rank == 0 ? weights(size_t(rows * cols), 99) : std::vector<float>();
    const Case cases[] = {{"npz", ser_npz_open_mpi, 1}, {"npz-stored", ser_npz_open_mpi, 0}, {"h5-gzip4", ser_h5_open_mpi, 1}};
    if (rank == 0) std::printf("ranks format     workload    MiB  seconds   MiB/s  peak RSS MiB\n");
    for (const Case &c : cases)
        for (int sharded = 1; sharded >= 0; --sharded) {
            ser_options o;
            ser_options_init(&o, SER_OPTIONS_VERSION);
            o.compress = c.compress;
            o.threads = 1;  // one core per rank
            const std::string file = dir + "/bench." + c.format + (sharded ? ".sharded" : ".replicated");
            double best = 1e30;
            for (int r = 0; r < runs; ++r) {
                MPI_Barrier(MPI_COMM_WORLD);
                const double t0 = MPI_Wtime();
                ser_handle *w = nullptr;
                check(c.open(&w, MPI_COMM_WORLD, file.c_str(), SER_WRITE, &o));
                if (sharded) {
                    const int64_t shape[2] = {rows, cols}, off[2] = {first, 0}, cnt[2] = {last - first, cols};
                    check(ser_put_array_slab(w, "predictor/W", SER_FLOAT32, 2, shape, off, cnt, block.data(), block.size() * 4));
                } else if (rank == 0) {
                    const int64_t part = rows / 32;
                    for (int k = 0; k < 32; ++k) {
                        const int64_t shape[2] = {part, cols};
                        check(ser_put_array(w, ("predictor/l" + std::to_string(k) + "/W").c_str(), SER_FLOAT32, 2, shape,
                                            model.data() + size_t(k * part * cols), size_t(part * cols) * 4));
                    }
                }
                check(ser_close(w));
                best = std::min(best, slowest(MPI_Wtime() - t0));
            }
            if (rank == 0)
                std::printf("%5d %-10s %-10s %5.0f %8.3f %7.0f %13ld\n", size, c.format, sharded ? "sharded" : "replicated", mib,
                            best, mib / best, peak_rss_mib());
            else
                peak_rss_mib();
        }
    // Every rank loads its block of the sharded NPZ back.
    std::vector<float> back(block.size());
    double best = 1e30;
    for (int r = 0; r < runs; ++r) {
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        ser_handle *h = nullptr;
        check(ser_npz_open_mpi(&h, MPI_COMM_WORLD, (dir + "/bench.npz.sharded").c_str(), SER_READ, nullptr));
        const int64_t off[2] = {first, 0}, cnt[2] = {last - first, cols};
        check(ser_get_array_slab(nullptr, h, "predictor/W", SER_FLOAT32, 2, off, cnt, back.data(), back.size() * 4));
        ser_close(h);
        best = std::min(best, slowest(MPI_Wtime() - t0));
    }
    if (back != block) std::fprintf(stderr, "rank %d: the block read back differs\n", rank), MPI_Abort(MPI_COMM_WORLD, 1);
    const long rss = peak_rss_mib();
    if (rank == 0)
        std::printf("%5d %-10s %-10s %5.0f %8.3f %7.0f %13ld\n", size, "npz", "read-block", mib, best, mib / best, rss);
    MPI_Finalize();
    return 0;
}
