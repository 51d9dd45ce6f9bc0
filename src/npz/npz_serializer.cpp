#include "npz/npz_serializer.h"

#include <cstring>

#include "core/error.h"
#include "npz/deflate.h"
#include "npz/none_pickle.h"
#include "npz/npy_header.h"
#include "npz/zip_writer.h"

namespace chainerser {

struct NpzSerializer::Archive {
    std::string file;
    WriteOptions options;
    std::unique_ptr<ZipWriter> zip;  // null once committed or discarded
};

NpzSerializer::NpzSerializer(std::string path, std::shared_ptr<Archive> archive)
    : AbstractSerializer(std::move(path)), archive_(std::move(archive)) {}

NpzSerializer::~NpzSerializer() = default;

std::unique_ptr<AbstractSerializer> NpzSerializer::create(const std::string &file, const WriteOptions &options) {
    if (options.level < -1 || options.level > 9)
        fail(SER_EINVAL, file + ": compression level " + std::to_string(options.level) + " is not in 0-9");
    auto archive = std::make_shared<Archive>();
    archive->file = file;
    archive->options = options;
    if (archive->options.level == -1) archive->options.level = 6;  // zlib's default, as numpy uses
    archive->zip = std::make_unique<ZipWriter>(file);
    return std::make_unique<NpzSerializer>("", std::move(archive));
}

std::unique_ptr<AbstractSerializer> NpzSerializer::make_child(std::string path) {
    return std::make_unique<NpzSerializer>(std::move(path), archive_);
}

const std::string &NpzSerializer::file_name() const { return archive_->file; }

void NpzSerializer::write_entry(const std::string &key, const ConstArrayView &value) {
    if (!archive_->zip) fail(SER_EINVAL, archive_->file + ": the file is already closed");
    ArrayMeta meta = value.meta;
    const void *data = value.data;
    size_t nbytes = value.nbytes;
    if (meta.is_none()) {  // numpy.asarray(None): a 0-d object array holding the None pickle
        meta.shape.clear();
        data = none_pickle().data();
        nbytes = none_pickle().size();
    }
    if (meta.shape.size() <= 1) meta.fortran_order = false;  // numpy writes 1-d and 0-d as C order
    const std::string header = encode_npy_header(meta);
    const ByteSpan parts[2] = {{header.data(), header.size()}, {data, nbytes}};

    EncodedMember m;
    m.size = header.size() + nbytes;
    m.crc = crc32_update(crc32_update(0, header.data(), header.size()), data, nbytes);
    if (archive_->options.compress) {
        m.bytes = deflate_raw(parts, 2, archive_->options.level);
        m.deflated = true;
    } else {
        m.bytes.resize(m.size);
        std::memcpy(m.bytes.data(), header.data(), header.size());
        if (nbytes) std::memcpy(m.bytes.data() + header.size(), data, nbytes);
    }
    archive_->zip->add(key + ".npy", std::move(m));
}

void NpzSerializer::commit() {
    if (!archive_->zip) fail(SER_EINVAL, archive_->file + ": the file is already closed");
    std::unique_ptr<ZipWriter> zip = std::move(archive_->zip);
    zip->commit();
}

void NpzSerializer::discard() noexcept { archive_->zip.reset(); }

}  // namespace chainerser
