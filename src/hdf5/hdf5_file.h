// Opening and creating HDF5 files the way the backends need them: the descriptor is
// close-on-exec (a subprocess started by the host program must not inherit it, or its lock),
// and a failure to lock the file is reported as an I/O error, not as corruption.
#pragma once

#include <optional>
#include <string>

#include "hdf5/hdf5_chunked_io.h"
#include "hdf5/hdf5_id.h"

namespace chainerser::core {

// H5Fopen read-only. Call under Hdf5Lock.
H5Id open_hdf5_file(const std::string &name);

// Where the chunk bytes of `file` can be read with pread, bypassing HDF5: when HDF5 reads it with
// the sec2 driver (the default) and it is a regular file. nullopt otherwise: read chunks through
// HDF5 then. Call under Hdf5Lock.
std::optional<RawChunkFile> open_raw_chunk_file(hid_t file);

// H5Fcreate (truncating) at `path` with the file-access properties `fapl`; `name` is the file
// the user asked for, used in messages. Call under Hdf5Lock.
H5Id create_hdf5_file(const std::string &path, hid_t fapl, const std::string &name);

// Closes a file being written that will not be kept (a write failed, or the save is discarded):
// its descriptor is first pointed at an anonymous memory file, so that HDF5's last flush does not
// fail on a full disk. (HDF5 1.10 frees a file whose H5Fclose fails but keeps its id, and crashes
// on that id when the process exits. Past RLIMIT_FSIZE even the memory file cannot grow: there
// the close still fails.)
// Call under Hdf5Lock.
void close_failed_hdf5_file(hid_t file) noexcept;

}  // namespace chainerser::core
