// The file every rank of a save writes into, and its atomic commit: rank 0 creates a temporary
// file beside the target (core/atomic_file.h) and every rank opens it with MPI-IO; at commit every
// rank's data is made durable (MPI_File_sync), then rank 0 renames the file over the target. Until
// then the old file is untouched; a failure anywhere removes the temporary file instead.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "mpi/comm.h"

namespace chainerser::core {

class SharedFile {
public:
    // Collective; throws the same error on every rank.
    SharedFile(const Comm &comm, const std::string &target);
    ~SharedFile();  // discards unless committed (no collective: MPI_File_close is skipped then)
    SharedFile(const SharedFile &) = delete;
    SharedFile &operator=(const SharedFile &) = delete;

    const std::string &target() const { return target_; }

    // Independent: `size` bytes at file offset `offset`. Throws SER_EIO.
    void write_at(uint64_t offset, const void *data, uint64_t size);

    // Collective: this rank's `block` of an array of `shape` (C order, `itemsize`-byte elements)
    // whose first byte is at file offset `start`, from `data` (the block in C order), through a
    // file view of a subarray datatype. Extents must fit in an int. Throws SER_EIO.
    void write_block_all(uint64_t start, const std::vector<int64_t> &shape, uint64_t itemsize,
                         const std::vector<int64_t> &offset, const std::vector<int64_t> &count, const void *data);

    // Collective: sync, close, rename on rank 0; the same error on every rank.
    void commit();
    // Collective unless `alone`: closes and removes the temporary file.
    void discard(bool alone) noexcept;

private:
    const Comm &comm_;
    std::string target_;
    std::unique_ptr<AtomicReplace> replace_;  // rank 0 only
    MPI_File file_ = MPI_FILE_NULL;
};

}  // namespace chainerser::core
