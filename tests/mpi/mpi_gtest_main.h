// The main() of the MPI test programs: gtest on every rank of MPI_COMM_WORLD, argv[1] the
// program's one argument (a directory or a file), and a failure on any rank the exit status of
// every rank.
#pragma once

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <string>

inline int run_mpi_gtest(int argc, char **argv, const char *usage, std::string &arg, int &rank, int &size) {
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) {
        if (rank == 0) fprintf(stderr, "usage: %s\n", usage);
        MPI_Finalize();
        return 2;
    }
    arg = argv[1];
    const int failed = RUN_ALL_TESTS();
    int any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any;
}
