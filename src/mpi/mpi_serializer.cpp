#include "mpi/mpi_serializer.h"

#include "core/byte_buffer.h"
#include "core/error.h"
#include "core/keypath.h"
#include "core/transpose.h"

namespace chainerser::core {

void MpiSave::check_open() const {
    if (closed) fail(SER_EINVAL, file + ": the file is already closed");
    if (broken.code != SER_OK) fail(broken.code, file + ": not saved, a collective call failed (" + broken.message + ")");
}

MpiSerializer::MpiSerializer(std::string path, std::shared_ptr<MpiSave> save)
    : AbstractSerializer(std::move(path)), save_(std::move(save)) {}

void MpiSerializer::note_failure(int code, const std::string &message) noexcept {
    if (save_->local_failure.code != SER_OK) return;
    save_->local_failure.code = code;
    save_->local_failure.message = message;
}

void MpiSerializer::put_slab(std::string_view key, const ArrayMeta &global, const Block &block, const void *data,
                             size_t nbytes, bool fortran, const LocalStatus &args) {
    MpiSave &s = *save_;
    const Comm &comm = *s.comm;
    s.check_open();
    const std::string full = value_key(path(), key), at = where(s.file, full);
    CallSignature signature("ser_put_array_slab(key '" + full + "')");
    signature.add(full).add(global.type.dtype).add(int64_t(global.type.itemsize)).add(int64_t(global.shape.size()));
    for (int64_t d : global.shape) signature.add(d);
    signature.add(fortran ? SER_ORDER_F : SER_ORDER_C);
    try {
        agree_call(comm, signature, args);
        collectively(comm, [&] {
            if (full.empty()) fail(SER_EINVAL, s.file + ": empty key");
            check_shape(global.shape);
            if (block.offset.size() != global.shape.size() || block.count.size() != global.shape.size())
                fail(SER_EINVAL, at + "offset and count need one entry per axis");
            ArrayMeta mine = global;
            mine.shape = block.count;
            check_shape(mine.shape);
            if (nbytes != mine.nbytes())
                fail(SER_EINVAL, at + "this rank's block has " + std::to_string(nbytes) + " bytes, its shape " +
                                     mine.shape_repr() + " needs " + std::to_string(mine.nbytes()));
            if (nbytes && !data) fail(SER_EINVAL, at + "data is NULL");
            check_slab_key(full);
        });
        std::vector<int64_t> shape = global.shape;
        Block own = block;
        if (shape.empty()) shape = {1}, own = Block{{0}, {1}};
        const std::vector<Block> blocks = gather_tiling(comm, shape, own, at);
        if (fortran && shape.size() > 1)  // in one or no axis both orders are the same bytes
            write_fortran_slab(full, global, shape, blocks, data);
        else
            write_slab(full, global, shape, blocks, data);
    } catch (const Error &e) {
        // Every failure above is agreed: every rank is here with the same error.
        s.broken = {e.code(), e.what()};
        throw;
    }
}

void MpiSerializer::write_fortran_slab(const std::string &full, const ArrayMeta &global,
                                       const std::vector<int64_t> &shape, const std::vector<Block> &blocks,
                                       const void *data) {
    const Block &own = blocks[size_t(save_->comm->rank())];
    ArrayMeta mine = global;
    mine.shape = own.count;
    ByteBuffer c_order;
    collectively(*save_->comm, [&] {
        c_order = ByteBuffer(size_t(mine.nbytes()));
        if (mine.nbytes()) fortran_to_c(data, c_order.data(), own.count, global.type.itemsize);
    });
    ArrayMeta marked = global;  // the blocks are C order now; the mark becomes kFortranOrderAttribute
    marked.fortran_order = true;
    write_slab(full, marked, shape, blocks, c_order.size() ? c_order.data() : nullptr);
}

void MpiSerializer::agree_commit(const std::function<void()> &alone, const std::function<void()> &together) {
    MpiSave &s = *save_;
    if (s.closed) fail(SER_EINVAL, s.file + ": the file is already closed");
    try {
        s.check_open();
        s.closed = true;
        agree_call(*s.comm, CallSignature("ser_close"));
    } catch (...) {
        s.closed = true;
        alone();
        throw;
    }
    try {
        collectively(*s.comm, [&] {
            if (s.local_failure.code != SER_OK)
                fail(s.local_failure.code, s.file + ": not saved, a put failed: " + s.local_failure.message);
        });
    } catch (...) {
        together();
        throw;
    }
}

}  // namespace chainerser::core
