// Opening a checkpoint of either format and reading entries in their canonical layout.
#pragma once

#include <chainerser/chainerser.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cli {

enum class Format { Npz, Hdf5 };

const char *format_name(Format f);

// The format of an existing file, from its signature, whatever its name. Throws an Error naming
// the file when it is missing, a directory, or neither NPZ nor HDF5.
Format sniff_format(const std::string &path);

// The format to write: `to` ("npz", "h5", "hdf5") if given, else the extension (.npz, .h5, .hdf5).
Format format_for_writing(const std::string &path, const std::string &to);

chainerser::Handle open_checkpoint(const std::string &path, int32_t mode, Format format,
                                   const ser_options *options = nullptr);

struct Entry {
    std::string key;
    ser_array_info info;
    bool none() const { return info.dtype == SER_NONE; }
    bool text() const { return info.dtype == SER_UNICODE || info.dtype == SER_BYTES; }
    std::string descr() const;
    std::string shape() const;  // "(2, 3)"
};

std::vector<Entry> list_entries(ser_handle *h);

// The entry's elements in C order and little-endian, in the file's dtype (UTF-32LE for str):
// what the fixtures' MANIFEST hashes, whatever the byte or memory order on disk.
std::vector<unsigned char> read_canonical(ser_handle *h, const Entry &e);

// Consecutive ranges [first, second) of `entries` holding at most kMaxBatchBytes of data each
// (an entry larger than that is a range by itself), so a whole-file read stays in bounded memory.
// Small, because the batch buffer is reused: first touches of fresh pages, not inflating, were
// most of `verify`'s time with 256 MiB (W1t written by NumPy: 256 MiB 0.62 s, 64 MiB 0.46 s,
// 32 MiB 0.31 s, 16 MiB 0.41 s, where two threads run out of members to share).
constexpr uint64_t kMaxBatchBytes = uint64_t(32) << 20;
std::vector<std::pair<size_t, size_t>> batches_of(const std::vector<Entry> &entries);

// One entry's canonical bytes inside a CanonicalBatch.
struct CanonicalBytes {
    const unsigned char *data;
    size_t size;
    bool operator==(const CanonicalBytes &o) const { return size == o.size && (!size || !std::memcmp(data, o.data, size)); }
};

// read_canonical() of a range of entries in one ser_get_arrays call, decoded on the handle's
// threads, into one buffer that the next read() reuses: a whole-file read touches fresh memory
// for its largest batch only, and nothing is zero-filled before the library writes it.
class CanonicalBatch {
public:
    void read(ser_handle *h, const std::vector<Entry> &entries, size_t from, size_t to);
    // entries[from + i] of the last read().
    CanonicalBytes operator[](size_t i) const { return {arena_.get() + offsets_[i], offsets_[i + 1] - offsets_[i]}; }

private:
    std::unique_ptr<unsigned char[]> arena_;
    size_t capacity_ = 0;
    std::vector<size_t> offsets_;
};

// Every entry's canonical bytes, batch by batch, handed to `use` in entry order.
void for_each_canonical(ser_handle *h, const std::vector<Entry> &entries,
                        const std::function<void(const Entry &, CanonicalBytes)> &use);

// The file's size in bytes, or 0 if it cannot be read.
unsigned long long file_size(const std::string &path);

}  // namespace cli
