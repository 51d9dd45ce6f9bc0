#include "support/test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace testsupport {
namespace {

std::string shell_quote(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct ScratchRoot {
    std::string path;
    ScratchRoot() {
        char tmpl[] = "/tmp/chainerser-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~ScratchRoot() {
        if (!std::getenv("CHAINERSER_KEEP_TEST_FILES")) std::system(("rm -rf " + shell_quote(path)).c_str());
    }
};

}  // namespace

std::string scratch_dir() {
    static ScratchRoot root;
    static int counter = 0;
    std::string dir = root.path + "/" + std::to_string(++counter);
    if (mkdir(dir.c_str(), 0700) != 0) throw std::runtime_error("mkdir " + dir + " failed");
    return dir;
}

std::string data_path(const std::string &name) { return std::string(CHAINERSER_TEST_DATA_DIR) + "/" + name; }

std::string shared_fixture(const std::string &name) {
    std::string p = std::string(CHAINERSER_SHARED_DIR) + "/chainer-fixtures/" + name;
    struct stat st;
    return stat(p.c_str(), &st) == 0 ? p : std::string();
}

int run_python(const std::string &script, const std::vector<std::string> &args, std::string *output) {
    std::string cmd = std::string(CHAINERSER_PYTHON) + " " +
                      shell_quote(std::string(CHAINERSER_TEST_PYTHON_DIR) + "/" + script);
    for (const std::string &a : args) cmd += " " + shell_quote(a);
    cmd += " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_file(const std::string &path, const std::string &bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + path);
    f << bytes;
}

}  // namespace testsupport
