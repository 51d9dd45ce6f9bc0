// Replacing a file atomically and durably: the new content is written under a temporary name in
// the same directory, fsynced, renamed over the target, and the directory is fsynced. Until
// commit() the old file is untouched; a crash leaves the old file or the complete new one.
#pragma once

#include <string>

namespace chainerser::core {

class AtomicReplace {
public:
    // Chooses a fresh temporary name beside `target` (nothing is created yet).
    explicit AtomicReplace(std::string target);
    ~AtomicReplace();  // removes the temporary file unless committed
    AtomicReplace(const AtomicReplace &) = delete;
    AtomicReplace &operator=(const AtomicReplace &) = delete;

    const std::string &target() const { return target_; }
    const std::string &temp_path() const { return temp_; }

    // fsync(temp) -> rename(temp, target) -> fsync(directory). Throws SER_EIO.
    void commit();
    // Removes the temporary file (and libzip's own scratch files next to it).
    void abandon() noexcept;

private:
    std::string target_;
    std::string temp_;
    bool done_ = false;
};

// A scratch file beside `target` that has no name, open for reading and writing (close-on-exec),
// for bytes that outgrow memory before they have a place in the target (an MPI rank's own members
// until every rank knows its offset). O_TMPFILE where the file system has it; elsewhere a file
// named as the temporary files above, unlinked at once (if the process dies in between, the
// next successful save of the target removes it). The space is freed when the descriptor is
// closed, also when the process is killed. Returns the descriptor; throws SER_EIO.
int open_scratch_beside(const std::string &target);

// open_scratch_beside's way where the file system has no O_TMPFILE: a fresh temporary name,
// unlinked at once.
int open_named_scratch_beside(const std::string &target);

}  // namespace chainerser::core
