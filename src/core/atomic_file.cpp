#include "core/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "core/error.h"

namespace chainerser::core {
namespace {

std::string dir_of(const std::string &path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string temp_prefix(const std::string &target) { return "." + base_of(target) + ".ser-tmp-"; }

std::string errno_text(const std::string &what, const std::string &path) {
    return path + ": " + what + ": " + std::strerror(errno);
}

void fsync_path(const std::string &path, bool directory) {
    int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) fail(SER_EIO, errno_text("cannot open for fsync", path));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    errno = err;
    if (rc != 0 && !(directory && (errno == EINVAL || errno == EROFS)))
        fail(SER_EIO, errno_text("fsync failed", path));
}

// Temporary files of saves whose process died (the pid in the name no longer runs).
void remove_stale_temps(const std::string &target) {
    const std::string dir = dir_of(target), prefix = temp_prefix(target);
    DIR *d = ::opendir(dir.c_str());
    if (!d) return;
    while (struct dirent *e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid <= 0 || pid == long(::getpid())) continue;
        if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH) ::unlink((dir + "/" + name).c_str());
    }
    ::closedir(d);
}

std::string fresh_temp_name(const std::string &target) {
    std::random_device rd;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "%ld-%08x", long(::getpid()), unsigned(rd()));
    return dir_of(target) + "/" + temp_prefix(target) + suffix;
}

}  // namespace

int open_scratch_beside(const std::string &target) {
    if (target.empty()) fail(SER_EINVAL, "empty file name");
#ifdef O_TMPFILE
    const int fd = ::open(dir_of(target).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    // EOPNOTSUPP, EISDIR, EINVAL: no O_TMPFILE here; anything else fails below as well.
#endif
    return open_named_scratch_beside(target);
}

int open_named_scratch_beside(const std::string &target) {
    if (target.empty()) fail(SER_EINVAL, "empty file name");
    int fd = -1;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::string name = fresh_temp_name(target);
        fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) continue;
        if (fd < 0) break;
        ::unlink(name.c_str());
        return fd;
    }
    fail(errno == ENOENT ? SER_ENOTFOUND : SER_EIO, errno_text("cannot create a scratch file beside it", target));
}

AtomicReplace::AtomicReplace(std::string target) : target_(std::move(target)) {
    if (target_.empty()) fail(SER_EINVAL, "empty file name");
    temp_ = fresh_temp_name(target_);
    int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        std::string msg = errno_text("cannot create a file beside it", target_);
        fail(errno == ENOENT ? SER_ENOTFOUND : SER_EIO, msg);
    }
    ::close(fd);
}

AtomicReplace::~AtomicReplace() {
    if (!done_) abandon();
}

void AtomicReplace::commit() {
    fsync_path(temp_, false);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail(SER_EIO, errno_text("cannot rename the new file into place", target_));
    done_ = true;
    fsync_path(dir_of(target_), true);
    remove_stale_temps(target_);
}

void AtomicReplace::abandon() noexcept {
    if (done_) return;
    ::unlink(temp_.c_str());
    done_ = true;
}

}  // namespace chainerser::core
