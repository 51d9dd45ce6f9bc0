// What the MPI writers share: the state of one collective save (communicator, rank-local failures,
// a failed collective call), the collective slab put (ser_put_array_slab_ex: arguments agreed and
// checked, the blocks' tiling checked, then the format's write_slab), and the agreement that
// starts every commit.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/serializer.h"
#include "mpi/agreement.h"
#include "mpi/comm.h"
#include "mpi/slab_layout.h"

namespace chainerser::core {

struct MpiSave {
    std::shared_ptr<Comm> comm;
    std::string file;
    LocalStatus local_failure;   // the first failed rank-local call on this rank
    LocalStatus broken;          // a collective call failed on every rank: no more collectives
    bool closed = false;
    void check_open() const;     // SER_EINVAL once closed, the collective failure once broken
};

class MpiSerializer : public AbstractSerializer {
public:
    MpiSerializer(std::string path, std::shared_ptr<MpiSave> save);

    // Collective. `global` is the whole entry's type and shape; `data` this rank's block, in C
    // order or, with `fortran`, column-major (every rank passes the same order). `args` is whether
    // this rank's C arguments were valid (they are agreed first).
    void put_slab(std::string_view key, const ArrayMeta &global, const Block &block, const void *data, size_t nbytes,
                  bool fortran, const LocalStatus &args);
    void note_failure(int code, const std::string &message) noexcept override;

protected:
    const std::string &file_name() const override { return save_->file; }
    // After put_slab's checks: entry `full` of `global`, `shape` its shape (0-d as (1,)) and every
    // rank's block of it; collective, every failure agreed.
    virtual void write_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                            const std::vector<Block> &blocks, const void *data) = 0;
    // The same for column-major blocks of an array of two or more axes. By default each rank's
    // block is transposed into C order (cache-blocked, core/transpose.h) and written by
    // write_slab, as the serial HDF5 writer transposes a Fortran-ordered array.
    virtual void write_fortran_slab(const std::string &full, const ArrayMeta &global, const std::vector<int64_t> &shape,
                                    const std::vector<Block> &blocks, const void *data);
    // Runs on every rank before a slab is written, inside the agreed checks.
    virtual void check_slab_key(const std::string &full) { (void)full; }
    // The start of a collective commit: marks the save closed, then agrees on the call and on every
    // rank's rank-local failures. If the save is broken or the call does not match, nothing
    // collective may follow: `alone` (a local cleanup) runs before the error is thrown; after a
    // rank-local failure every rank is here, and `together` (a collective cleanup) runs.
    void agree_commit(const std::function<void()> &alone, const std::function<void()> &together);
    MpiSave &save() const { return *save_; }

private:
    std::shared_ptr<MpiSave> save_;
};

}  // namespace chainerser::core
