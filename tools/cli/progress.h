// A one-line progress bar on stderr, drawn only when stderr is a terminal and the job is large.
#pragma once

#include <cstdint>
#include <string>

namespace cli {

class Progress {
public:
    Progress(std::string label, uint64_t total_bytes);
    ~Progress();
    void advance(uint64_t bytes);

private:
    void draw();
    std::string label_;
    uint64_t total_, done_ = 0;
    bool enabled_;
    int last_percent_ = -1;
};

}  // namespace cli
