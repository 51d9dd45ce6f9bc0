// Chainer's serialization protocol in C++: a two-layer MLP and its optimizer state implement
// Serializable, are saved with save_npz in Chainer's key layout, and loaded back into a fresh
// model whose parameters are uninitialised (they take the stored shapes, as in Chainer).
// Usage: mlp_serializable [FILE.npz]
#include <chainerser/chainerser.hpp>

#include <cstdio>

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
        return w.data == model.predictor.l2.W.data && fresh.iteration == 42 ? 0 : 1;
    } catch (const chainerser::Error &e) {
        std::fprintf(stderr, "mlp_serializable: %s\n", e.what());
        return 1;
    }
}
