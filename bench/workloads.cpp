#include "workloads.h"

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

namespace bench {
namespace {

struct Shape {
    std::string key;
    std::vector<int64_t> shape;
};

// predictor/res2/a/conv1/W ... as Chainer's ResNet50Layers names them.
std::vector<Shape> resnet50_parameters() {
    std::vector<Shape> out;
    auto conv_bn = [&](const std::string &prefix, const std::string &conv, const std::string &bn, int64_t in,
                       int64_t outc, int64_t k) {
        out.push_back({prefix + conv + "/W", {outc, in, k, k}});
        out.push_back({prefix + bn + "/gamma", {outc}});
        out.push_back({prefix + bn + "/beta", {outc}});
    };
    conv_bn("predictor/", "conv1", "bn1", 3, 64, 7);
    const int blocks[4] = {3, 4, 6, 3};
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
        const int64_t mid = 64 << stage, outc = mid * 4;
        for (int b = 0; b < blocks[stage]; ++b) {
            const std::string prefix =
                "predictor/res" + std::to_string(stage + 2) + "/" + (b == 0 ? "a" : "b" + std::to_string(b)) + "/";
            conv_bn(prefix, "conv1", "bn1", b == 0 ? in : outc, mid, 1);
            conv_bn(prefix, "conv2", "bn2", mid, mid, 3);
            conv_bn(prefix, "conv3", "bn3", mid, outc, 1);
            if (b == 0) conv_bn(prefix, "conv4", "bn4", in, outc, 1);
        }
        in = outc;
    }
    out.push_back({"predictor/fc6/W", {1000, 2048}});
    out.push_back({"predictor/fc6/b", {1000}});
    return out;
}

int64_t scaled(int64_t d, double scale) { return std::max<int64_t>(1, int64_t(std::llround(double(d) * scale))); }

Array filled(const std::string &key, std::vector<int64_t> shape, std::mt19937 &rng, float sigma, bool trained,
             double zero_fraction) {
    Array a;
    a.key = key;
    a.shape = std::move(shape);
    size_t n = 1;
    for (int64_t d : a.shape) n *= size_t(d);
    a.f32.resize(n);
    std::normal_distribution<float> normal(0.0f, sigma);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (float &v : a.f32) {
        if (zero_fraction > 0 && unit(rng) < zero_fraction) {
            v = 0.0f;
            continue;
        }
        v = normal(rng);
        if (trained) {  // keep 8 mantissa bits, as trained weights compress about 2:1
            uint32_t bits;
            std::memcpy(&bits, &v, 4);
            bits &= 0xffff8000u;
            std::memcpy(&v, &bits, 4);
        }
    }
    return a;
}

}  // namespace

std::vector<Array> make_workload(const std::string &name, double scale, uint64_t w3_bytes) {
    std::mt19937 rng(20261128);
    std::vector<Array> out;
    if (name == "W1" || name == "W1t") {
        const bool trained = name == "W1t";
        for (Shape &s : resnet50_parameters()) {
            // --quick shrinks the output-channel axis only, keeping every key and rank.
            s.shape[0] = scaled(s.shape[0], scale);
            out.push_back(filled(s.key, s.shape, rng, trained ? 0.02f : 1.0f, trained, 0));
            if (trained) {
                std::string opt = "updater/optimizer:main/" + s.key.substr(0, s.key.rfind('/')) + "/" +
                                  s.key.substr(s.key.rfind('/') + 1);
                out.push_back(filled(opt + "/m", s.shape, rng, 1e-3f, true, 0.9));
                out.push_back(filled(opt + "/v", s.shape, rng, 1e-6f, true, 0.9));
            }
        }
    } else if (name == "W2") {
        const int count = int(scaled(20000, scale));
        std::uniform_int_distribution<int> len(1, 64);
        for (int i = 0; i < count; ++i) {
            std::string base = "updater/optimizer:main/link" + std::to_string(i / 4) + "/p" + std::to_string(i % 4);
            out.push_back(filled(base + "/m", {len(rng)}, rng, 1.0f, false, 0));
            Array t;
            t.key = base + "/t";
            t.is_int64_scalar = true;
            t.i64 = i;
            out.push_back(std::move(t));
        }
    } else if (name == "W3") {
        const int64_t n = int64_t(double(w3_bytes / 4) * std::min(1.0, scale * 1.0));
        out.push_back(filled("predictor/embed/W", {n}, rng, 1.0f, false, 0));
    } else {
        throw std::runtime_error("unknown workload " + name + " (W1, W1t, W2, W3)");
    }
    return out;
}

}  // namespace bench
