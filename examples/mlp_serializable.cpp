// Chainer's serialization protocol in C++: a two-layer MLP and its optimizer state implement
// Serializable, are saved with save_npz in Chainer's key layout, and loaded back into a fresh
// model whose parameters are uninitialised (they take the stored shapes, as in Chainer). Then a
// Handle describes one weight and reads one row of it alone (a slab), under explicit limits.
// Usage: mlp_serializable [FILE.npz]
#include <chainerser/chainerser.hpp>

#include <cstdio>
#include <vector>

namespace {

using chainerser::Serializer;
using chainerser::Tensor;

struct Linear : chainerser::Serializable {
    Tensor<float> W, b;  // uninitialised until set or loaded
    void serialize(Serializer &s) override {
        s("W", W);
        s("b", b);
    }
};

struct MLP : chainerser::Serializable {
    Linear l1, l2;
    void serialize(Serializer &s) override {
        Serializer c1 = s["l1"], c2 = s["l2"];
        l1.serialize(c1);
        l2.serialize(c2);
    }
};

struct Classifier : chainerser::Serializable {  // Chainer's L.Classifier(predictor)
    MLP predictor;
    int64_t iteration = 0;
    void serialize(Serializer &s) override {
        Serializer p = s["predictor"];
        predictor.serialize(p);
        s("iteration", iteration);
    }
};

}  // namespace

int main(int argc, char **argv) {
    const std::string path = argc > 1 ? argv[1] : "mlp_serializable.npz";
    if (!chainerser::version_compatible()) {
        std::fprintf(stderr, "mlp_serializable: built for libchainerser %d, running with %s\n",
                     chainerser::header_version_number, chainerser::version_string().c_str());
        return 1;
    }
    try {
        Classifier model;
        model.predictor.l1.W = Tensor<float>({8, 4}, 0.5f);
        model.predictor.l1.b = Tensor<float>({8}, 0.0f);
        model.predictor.l2.W = Tensor<float>({3, 8}, -0.25f);
        model.predictor.l2.b = Tensor<float>({3}, 1.0f);
        model.iteration = 42;
        chainerser::save_npz(path, model);

        Classifier fresh;
        chainerser::load_npz(path, fresh);
        const Tensor<float> &w = fresh.predictor.l2.W;
        std::printf("%s: predictor/l2/W has shape (%lld, %lld), W[0] = %g; iteration = %lld\n", path.c_str(),
                    (long long)w.shape[0], (long long)w.shape[1], double(w.data[0]), (long long)fresh.iteration);

        chainerser::LoadOptions options;
        options.limits.max_entry_bytes = 1 << 20;  // refuse any entry over 1 MiB
        chainerser::Handle file = chainerser::open_npz(path, options);
        const chainerser::ArrayInfo info = file.info("predictor/l2/W");
        const Tensor<float> row = file.get_slab<float>("predictor/l2/W", {2, 0}, {1, info.shape[1]});
        std::printf("%s: predictor/l2/W is %s, row 2 has %zu elements\n", path.c_str(), info.descr().c_str(),
                    row.data.size());
        const bool row_ok = info.descr() == "<f4" && row.data == std::vector<float>(8, -0.25f);
        return w.data == model.predictor.l2.W.data && fresh.iteration == 42 && row_ok ? 0 : 1;
    } catch (const chainerser::Error &e) {
        std::fprintf(stderr, "mlp_serializable: %s\n", e.what());
        return 1;
    }
}
