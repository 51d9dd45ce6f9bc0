#include "mpi/shared_file.h"

#include <algorithm>

#include "core/error.h"
#include "mpi/agreement.h"

namespace chainerser::core {

SharedFile::SharedFile(const Comm &comm, const std::string &target) : comm_(comm), target_(target) {
    std::string temp;
    collectively(comm_, [&] {
        if (comm_.rank() != 0) return;
        replace_ = std::make_unique<AtomicReplace>(target_);
        temp = replace_->temp_path();
    });
    uint64_t len = temp.size();
    check_mpi(MPI_Bcast(&len, 1, MPI_UINT64_T, 0, comm_.get()), "MPI_Bcast", SER_EINTERNAL);
    temp.resize(size_t(len));
    check_mpi(MPI_Bcast(temp.data(), int(len), MPI_CHAR, 0, comm_.get()), "MPI_Bcast", SER_EINTERNAL);
    const int rc = MPI_File_open(comm_.get(), temp.c_str(), MPI_MODE_WRONLY, MPI_INFO_NULL, &file_);
    collectively(comm_, [&] { check_mpi(rc, target_ + ": MPI_File_open of the file beside it", SER_EIO); });
}

SharedFile::~SharedFile() { discard(true); }

void SharedFile::write_at(uint64_t offset, const void *data, uint64_t size) {
    if (file_ == MPI_FILE_NULL) fail(SER_EINVAL, target_ + ": the file is already closed");
    const auto *p = static_cast<const char *>(data);
    constexpr uint64_t kStep = uint64_t(1) << 30;  // MPI counts are int
    while (size) {
        const int n = int(std::min(size, kStep));
        MPI_Status status;
        check_mpi(MPI_File_write_at(file_, MPI_Offset(offset), p, n, MPI_BYTE, &status), target_ + ": write", SER_EIO);
        int written = 0;
        MPI_Get_count(&status, MPI_BYTE, &written);
        if (written != n) fail(SER_EIO, target_ + ": short write (" + std::to_string(written) + " of " + std::to_string(n) + " bytes)");
        p += n, offset += uint64_t(n), size -= uint64_t(n);
    }
}

void SharedFile::write_block_all(uint64_t start, const std::vector<int64_t> &shape, uint64_t itemsize,
                                 const std::vector<int64_t> &offset, const std::vector<int64_t> &count, const void *data) {
    if (file_ == MPI_FILE_NULL) fail(SER_EINVAL, target_ + ": the file is already closed");
    uint64_t elements = 1;
    for (int64_t c : count) elements *= uint64_t(c);
    MPI_Datatype element, view = MPI_DATATYPE_NULL;
    check_mpi(MPI_Type_contiguous(int(itemsize), MPI_BYTE, &element), "MPI_Type_contiguous", SER_EINTERNAL);
    MPI_Type_commit(&element);
    if (elements) {
        std::vector<int> sizes(shape.begin(), shape.end()), sub(count.begin(), count.end()), at(offset.begin(), offset.end());
        MPI_Type_create_subarray(int(shape.size()), sizes.data(), sub.data(), at.data(), MPI_ORDER_C, element, &view);
        MPI_Type_commit(&view);
    }
    const int set = MPI_File_set_view(file_, MPI_Offset(start), element, elements ? view : element, "native", MPI_INFO_NULL);
    MPI_Status status;
    static const char none = 0;
    const int wrote = set == MPI_SUCCESS ? MPI_File_write_all(file_, data ? data : &none, int(elements), element, &status) : set;
    // Back to a byte view, for write_at.
    const int reset = MPI_File_set_view(file_, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL);
    if (view != MPI_DATATYPE_NULL) MPI_Type_free(&view);
    MPI_Type_free(&element);
    check_mpi(wrote, target_ + ": collective write of a block", SER_EIO);
    check_mpi(reset, target_ + ": MPI_File_set_view", SER_EIO);
}

void SharedFile::commit() {
    if (file_ == MPI_FILE_NULL) fail(SER_EINVAL, target_ + ": the file is already closed");
    try {
        const int synced = MPI_File_sync(file_);
        collectively(comm_, [&] { check_mpi(synced, target_ + ": MPI_File_sync", SER_EIO); });
        const int closed = MPI_File_close(&file_);
        file_ = MPI_FILE_NULL;
        collectively(comm_, [&] { check_mpi(closed, target_ + ": MPI_File_close", SER_EIO); });
        collectively(comm_, [&] {
            if (replace_) replace_->commit();
        });
        replace_.reset();
    } catch (...) {
        discard(true);
        throw;
    }
}

void SharedFile::discard(bool alone) noexcept {
    if (file_ != MPI_FILE_NULL) {
        // MPI_File_close is collective; alone, the handle is left to MPI_Finalize.
        if (!alone) MPI_File_close(&file_);
        file_ = MPI_FILE_NULL;
    }
    if (replace_) replace_->abandon();
    replace_.reset();
}

}  // namespace chainerser::core
