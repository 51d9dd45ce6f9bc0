// A host program that starts a subprocess while an HDF5 file is open must not hand the child
// the file's descriptor (and with it HDF5's file lock): the file has to reopen at once.
#include <chainerser/chainerser.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "support/test_support.h"

namespace {

// Starts `sleep 30` and returns once it has exec'd: until then the forked child still shares the
// parent's descriptors whatever their close-on-exec flag. The pipe's write end is close-on-exec,
// so the parent's read returns when the exec has happened.
pid_t spawn_sleeper() {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sleep", "sleep", "30", static_cast<char *>(nullptr));
        _exit(127);
    }
    close(ready[1]);
    char byte;
    while (read(ready[0], &byte, 1) > 0) {
    }
    close(ready[0]);
    return pid;
}

void stop(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

TEST(Hdf5Subprocess, ChildStartedWhileWritingDoesNotKeepTheFileLocked) {
    const std::string path = testsupport::scratch_dir() + "/child.h5";
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_h5_open(&w, path.c_str(), SER_WRITE, nullptr), SER_OK) << ser_errmsg();
    const int64_t shape[1] = {4};
    const float data[4] = {1, 2, 3, 4};
    ASSERT_EQ(ser_put_array(w, "W", SER_FLOAT32, 1, shape, data, sizeof data), SER_OK) << ser_errmsg();
    const pid_t child = spawn_sleeper();
    ASSERT_GT(child, 0);
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    ser_handle *r = nullptr;
    const int rc = ser_h5_open(&r, path.c_str(), SER_READ, nullptr);
    const std::string msg = ser_errmsg();
    float back[4] = {0};
    int32_t outcome = -1;
    if (rc == SER_OK) EXPECT_EQ(ser_get_array(&outcome, r, "W", SER_FLOAT32, 1, shape, back, sizeof back), SER_OK);
    ser_close(r);
    stop(child);
    ASSERT_EQ(rc, SER_OK) << msg;
    EXPECT_EQ(outcome, SER_LOADED);
    EXPECT_EQ(back[3], 4.0f);
}

TEST(Hdf5Subprocess, ChildStartedWhileReadingDoesNotBlockTheNextWriter) {
    const std::string path = testsupport::scratch_dir() + "/reader.h5";
    ser_handle *w = nullptr;
    ASSERT_EQ(ser_h5_open(&w, path.c_str(), SER_WRITE, nullptr), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_put_int64(w, "t", 3), SER_OK) << ser_errmsg();
    ASSERT_EQ(ser_close(w), SER_OK) << ser_errmsg();

    ser_handle *r = nullptr;
    ASSERT_EQ(ser_h5_open(&r, path.c_str(), SER_READ, nullptr), SER_OK) << ser_errmsg();
    const pid_t child = spawn_sleeper();
    ser_close(r);
    // The child must hold nothing of the closed reader: /proc lists its open descriptors.
    const std::string fds = "/proc/" + std::to_string(child) + "/fd";
    int leaked = 0;
    for (int fd = 0; fd < 256; ++fd) {
        char target[4096];
        const std::string link = fds + "/" + std::to_string(fd);
        ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n > 0 && std::string(target, size_t(n)).find("reader.h5") != std::string::npos) ++leaked;
    }
    stop(child);
    EXPECT_EQ(leaked, 0) << "the subprocess inherited a descriptor of the HDF5 file";
}

}  // namespace
