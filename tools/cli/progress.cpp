#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace cli {
namespace {
constexpr uint64_t kWorthShowing = 64ull << 20;  // below this a bar would only flicker
}

Progress::Progress(std::string label, uint64_t total_bytes)
    : label_(std::move(label)), total_(total_bytes), enabled_(isatty(STDERR_FILENO) && total_bytes >= kWorthShowing) {}

Progress::~Progress() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
}

void Progress::advance(uint64_t bytes) {
    done_ += bytes;
    if (enabled_) draw();
}

void Progress::draw() {
    int percent = total_ ? int(done_ * 100 / total_) : 100;
    if (percent == last_percent_) return;
    last_percent_ = percent;
    const int width = 30, filled = percent * width / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_.c_str(), filled, "##############################",
                 width - filled, "", percent);
    std::fflush(stderr);
}

}  // namespace cli
