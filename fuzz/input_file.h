// The fuzzer's bytes as a file the C API can open by name. A real file (in /dev/shm when it
// exists, so it stays in memory): HDF5 resolves the name with realpath(), which a memfd's
// /proc/self/fd link does not survive. Removed again after each input.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzzsupport {

class InputFile {
public:
    InputFile(const uint8_t *data, size_t size) {
        path_ = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/chainerser-fuzz-XXXXXX");
        int fd = mkstemp(&path_[0]);
        if (fd < 0) abort();
        for (size_t done = 0; done < size;) {
            ssize_t n = write(fd, data + done, size - done);
            if (n <= 0) abort();
            done += static_cast<size_t>(n);
        }
        close(fd);
    }
    ~InputFile() { unlink(path_.c_str()); }
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

// Stops the fuzzer with the broken invariant as its crash report.
inline void require_nothing_broken(const std::string &problem) {
    if (problem.empty()) return;
    fprintf(stderr, "invariant broken: %s\n", problem.c_str());
    abort();
}

}  // namespace fuzzsupport
