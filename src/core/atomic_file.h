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

}  // namespace chainerser::core
