// The one table of options and limits: every field of ser_options with its default, its range
// and its meaning, and the fixed limits the backends apply. The C struct's validation and
// ser_options_init, the core's LoadOptions/WriteOptions, docs/options.md and the bindings'
// mirrors of ser_options all follow it (tests/unit/options_test.cpp and
// tests/python/options_table_check.py check SER_OPTIONS_INIT, the C++ wrapper, the docs and the
// bindings against it).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chainerser/chainerser.h"

namespace chainerser::core {

class Workers;

// A numeric field of ser_options.
struct OptionSpec {
    const char *name;
    size_t offset, size;  // where the field lies in ser_options
    bool is_signed;
    int64_t default_value;
    int64_t min;
    uint64_t max;
    uint32_t since_version;  // the ser_options.version that added the field
    const char *meaning;
};

// Every numeric field, in struct order.
const std::vector<OptionSpec> &option_table();

// The pointer fields (path, ignore_names, ...), which default to NULL / 0 and are checked apart.
const std::vector<const char *> &pointer_option_names();

// A limit no option changes.
struct FixedLimit {
    const char *name;
    uint64_t value;
    const char *meaning;
};
const std::vector<FixedLimit> &fixed_limits();

// The fixed limits, by name, for the code that applies them.
constexpr uint64_t kMaxWholeInflateBytes = uint64_t(64) << 20;
constexpr uint64_t kMaxNonePickleBytes = 4096;
constexpr size_t kMaxPieceIndexEntries = 4000;
// What our writers put in one piece index, so that the piece CRC-32s (zip_directory.h) fit beside
// it in an entry's 64 KiB of extra fields; readers accept kMaxPieceIndexEntries (older files).
constexpr size_t kMaxWrittenPieceIndexEntries = 3200;
constexpr uint64_t kMaxFileCopyBytes = uint64_t(64) << 20;

// The bytes of ser_options that a caller of `version` has (older structs are shorter);
// SER_EINVAL for a version this library does not know.
size_t options_size(uint32_t version);

// The defaults of every field of `version`.
ser_options default_options(uint32_t version = SER_OPTIONS_VERSION);

// A caller's options (NULL: the defaults), read for its declared version and checked against
// the table: SER_EINVAL naming the field otherwise.
ser_options checked_options(const ser_options *opts);

// What a reader needs of the options, shared by a root and its children. Made only by
// make_load_options, so the table's defaults are not repeated here.
struct LoadOptions {
    bool strict = false;
    ser_cast cast = SER_CAST_NO;
    std::vector<std::string> ignore_names;
    std::function<bool(const std::string &)> ignore_fn;
    uint64_t max_header_bytes = 0, max_entry_bytes = 0, max_members = 0, max_total_bytes = 0;
    uint32_t max_inflate_ratio = 0;
    std::shared_ptr<Workers> workers;  // the root handle's one pool
    // Decoded bytes read so far through the root and its children (for max_total_bytes).
    std::shared_ptr<std::atomic<uint64_t>> bytes_read = std::make_shared<std::atomic<uint64_t>>(0);
};

// What a writer needs of the options; made only by make_write_options.
struct WriteOptions {
    bool compress = false;
    int level = 0;  // after with_default_level: the backend's default for -1
    bool align_data = false;  // NPZ: stored members' data start on a 64-byte file offset
    std::shared_ptr<Workers> workers;  // the root handle's one pool
};

// From checked options; each makes the root handle's Workers.
std::shared_ptr<const LoadOptions> make_load_options(const ser_options &o);
WriteOptions make_write_options(const ser_options &o);

// Replaces level -1 by the backend's default level.
WriteOptions with_default_level(WriteOptions options, int default_level);

}  // namespace chainerser::core
