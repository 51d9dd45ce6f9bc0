// The benchmark's workloads (issue 6): parameter sets shaped like real Chainer checkpoints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct Array {
    std::string key;
    std::vector<int64_t> shape;
    bool is_int64_scalar = false;
    std::vector<float> f32;  // filled unless is_int64_scalar
    int64_t i64 = 0;
    uint64_t nbytes() const { return is_int64_scalar ? 8 : f32.size() * 4; }
};

// W1: ResNet-50's 161 float32 parameters (25.6 M elements), random normal.
// W1t: the same parameters with trained-like values plus Adam moments m, v that are mostly 0.
// W2: 20,000 small float32 arrays (1-64 elements) and int64 scalars (an optimizer/trainer state).
// W3: one float32 array of `w3_bytes` bytes.
// `scale` < 1 shrinks every workload for --quick runs.
std::vector<Array> make_workload(const std::string &name, double scale, uint64_t w3_bytes);

}  // namespace bench
