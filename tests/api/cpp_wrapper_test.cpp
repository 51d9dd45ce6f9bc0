// The header-only C++ wrapper: Chainer's Serializable protocol, save_npz / load_npz.
#include <chainerser/chainerser.hpp>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

using chainerser::Serializer;
using chainerser::Tensor;

struct Linear : chainerser::Serializable {
    Tensor<float> W, b;
    Linear() = default;
    Linear(int64_t in, int64_t out, float seed) : W({out, in}), b({out}) {
        for (size_t i = 0; i < W.data.size(); ++i) W.data[i] = seed + float(i) * 0.5f;
        for (size_t i = 0; i < b.data.size(); ++i) b.data[i] = -seed - float(i);
    }
    void serialize(Serializer &s) override {
        s("W", W);
        s("b", b);
    }
};

struct MLP : chainerser::Serializable {
    Linear l1, l2;
    int64_t iteration = 0;
    double lr = 0;
    bool finetune = false;
    std::string log;
    void serialize(Serializer &s) override {
        Serializer c1 = s["l1"], c2 = s["/l2/"];
        l1.serialize(c1);
        l2.serialize(c2);
        s("iteration", iteration);
        s("lr", lr);
        s("finetune", finetune);
        s("_log", log);
    }
};

MLP trained() {
    MLP m;
    m.l1 = Linear(4, 3, 1.0f);
    m.l2 = Linear(3, 2, 7.0f);
    m.iteration = 1234;
    m.lr = 0.0125;
    m.finetune = true;
    m.log = "[{\"main/loss\": 0.5, \"note\": \"caf\u00e9 \U0001F600\"}]";
    return m;
}

TEST(CppWrapper, SaveNpzThenLoadNpzRestoresEveryValue) {
    const std::string path = testsupport::scratch_dir() + "/mlp.npz";
    MLP saved = trained();
    chainerser::save_npz(path, saved);

    MLP loaded;  // uninitialised parameters take the stored shapes, as in Chainer
    chainerser::load_npz(path, loaded);
    EXPECT_EQ(loaded.l1.W.shape, (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(loaded.l1.W.data, saved.l1.W.data);
    EXPECT_EQ(loaded.l2.b.data, saved.l2.b.data);
    EXPECT_EQ(loaded.iteration, 1234);
    EXPECT_EQ(loaded.lr, 0.0125);
    EXPECT_TRUE(loaded.finetune);
    EXPECT_EQ(loaded.log, saved.log);
}

TEST(CppWrapper, NumpyReadsTheSavedModelWithChainerKeys) {
    const std::string path = testsupport::scratch_dir() + "/mlp.npz";
    MLP saved = trained();
    chainerser::save_npz(path, saved, /*compression=*/false);
    std::string out;
    ASSERT_EQ(testsupport::run_python("npz_dump.py", {path}, &out), 0) << out;
    // npz_dump prints "key descr shape sum" per member, sorted.
    EXPECT_NE(out.find("l1/W <f4 (3, 4) 45.0"), std::string::npos) << out;  // sum of 1 + 0.5 i, i < 12: 12 + 33
    EXPECT_NE(out.find("iteration <i8 () 1234"), std::string::npos) << out;
    EXPECT_NE(out.find("finetune |b1 () True"), std::string::npos) << out;
}

TEST(CppWrapper, UninitialisedParameterIsSavedAsNoneAndStaysUninitialised) {
    const std::string path = testsupport::scratch_dir() + "/lazy.npz";
    Linear lazy;  // Linear(None, n): W and b never initialised
    chainerser::save_npz(path, lazy);
    Linear back;
    chainerser::load_npz(path, back);
    EXPECT_FALSE(back.W.initialized);
    EXPECT_FALSE(back.b.initialized);

    Linear initialised(2, 2, 3.0f);  // None into an initialised parameter leaves it (chainer#7916)
    const std::vector<float> before = initialised.W.data;
    chainerser::load_npz(path, initialised);
    EXPECT_EQ(initialised.W.data, before);
}

TEST(CppWrapper, LoadNpzStrictFailsOnMissingKeyAndNonStrictKeepsValues) {
    const std::string path = testsupport::scratch_dir() + "/l1.npz";
    Linear small(2, 2, 1.0f);
    chainerser::save_npz(path, small);
    MLP target = trained();
    try {
        chainerser::load_npz(path, target);
        FAIL() << "strict load of a file without l1/W succeeded";
    } catch (const chainerser::Error &e) {
        EXPECT_EQ(e.code(), SER_ENOTFOUND);
        EXPECT_NE(std::string(e.what()).find("l1/W"), std::string::npos) << e.what();
    }
    chainerser::LoadOptions lenient;
    lenient.strict = false;
    MLP kept = trained();
    chainerser::load_npz(path, kept, lenient);
    EXPECT_EQ(kept.l1.W.data, trained().l1.W.data);
}

TEST(CppWrapper, LoadNpzWithPathAndIgnoreNames) {
    const std::string path = testsupport::scratch_dir() + "/mlp.npz";
    MLP saved = trained();
    chainerser::save_npz(path, saved);

    Linear l2(3, 2, 0.0f);
    chainerser::LoadOptions at_l2;
    at_l2.path = "l2/";
    at_l2.ignore_names = {"l2/b"};
    chainerser::load_npz(path, l2, at_l2);
    EXPECT_EQ(l2.W.data, saved.l2.W.data);
    EXPECT_EQ(l2.b.data, Linear(3, 2, 0.0f).b.data);  // ignored: unchanged

    Linear by_predicate(3, 2, 0.0f);
    at_l2.ignore_names.clear();
    at_l2.ignore = [](const std::string &key) { return key == "l2/W"; };
    chainerser::load_npz(path, by_predicate, at_l2);
    EXPECT_EQ(by_predicate.W.data, Linear(3, 2, 0.0f).W.data);
    EXPECT_EQ(by_predicate.b.data, saved.l2.b.data);
}

TEST(CppWrapper, ShapeMismatchNamesFileKeyAndBothShapes) {
    const std::string path = testsupport::scratch_dir() + "/mlp.npz";
    MLP saved = trained();
    chainerser::save_npz(path, saved);
    Linear wrong(3, 4, 0.0f);  // W is (4, 3), file has (3, 4)
    chainerser::LoadOptions at_l1;
    at_l1.path = "l1/";
    try {
        chainerser::load_npz(path, wrong, at_l1);
        FAIL() << "loaded a (3, 4) array into a (4, 3) buffer";
    } catch (const chainerser::Error &e) {
        EXPECT_EQ(e.code(), SER_EMISMATCH);
        const std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
        EXPECT_NE(msg.find("'l1/W'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(3, 4)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(4, 3)"), std::string::npos) << msg;
    }
}

TEST(CppWrapper, HandleThatIsNeverClosedDiscardsTheWrite) {
    const std::string dir = testsupport::scratch_dir();
    const std::string path = dir + "/keep.npz";
    MLP saved = trained();
    chainerser::save_npz(path, saved);
    const std::string before = testsupport::read_file(path);
    {
        chainerser::Handle h = chainerser::open_npz(path, SER_WRITE);
        chainerser::check(ser_put_int64(h.get(), "x", 1));
    }  // destroyed without close(): discarded
    EXPECT_EQ(testsupport::read_file(path), before);
}

}  // namespace

namespace {

// Column-major tensors: the C-order formula of tests/python/memory_order.py laid out in Fortran
// order here, saved through the wrapper, checked by NumPy/h5py, and loaded back in both orders.
struct FortranModel : chainerser::Serializable {
    Tensor<float> w;
    Tensor<std::complex<double>> z;
    void serialize(Serializer &s) override {
        s("float32/3x4", w);
        s("complex128/2x3x5", z);
    }
};

template <class T>
Tensor<T> formula_tensor(std::vector<int64_t> shape, ser_order order) {
    Tensor<T> t(shape, T(), order);
    std::vector<int64_t> idx(shape.size(), 0);
    for (size_t c = 0; c < t.data.size(); ++c) {
        size_t f = 0, stride = 1;
        for (size_t a = 0; a < shape.size(); ++a) f += size_t(idx[a]) * stride, stride *= size_t(shape[a]);
        const double v = double((c * 7 + 3) % 100);
        T value;
        if constexpr (std::is_same_v<T, float>) value = float(v);
        else value = T(v, -v);
        t.data[order == SER_ORDER_F ? f : c] = value;
        for (size_t a = shape.size(); a-- > 0;)
            if (++idx[a] < shape[a]) break;
            else idx[a] = 0;
    }
    return t;
}

TEST(CppWrapper, FortranOrderedTensorsAreWhatNumpyReadsAndLoadInEitherOrder) {
    const std::string dir = testsupport::scratch_dir();
    FortranModel saved;
    saved.w = formula_tensor<float>({3, 4}, SER_ORDER_F);
    saved.z = formula_tensor<std::complex<double>>({2, 3, 5}, SER_ORDER_F);
    chainerser::save_npz(dir + "/f.npz", saved, false);
    chainerser::save_hdf5(dir + "/f.h5", saved);
    std::string out;
    ASSERT_EQ(testsupport::run_python("memory_order.py", {"check-npz", dir + "/f.npz"}, &out), 0) << out;
    EXPECT_EQ(out, "2\n");
    ASSERT_EQ(testsupport::run_python("memory_order.py", {"check-h5", dir + "/f.h5"}, &out), 0) << out;
    EXPECT_EQ(out, "2\n");

    for (const char *file : {"/f.npz", "/f.h5"})
        for (ser_order order : {SER_ORDER_C, SER_ORDER_F}) {
            SCOPED_TRACE(std::string(file) + (order == SER_ORDER_F ? " F" : " C"));
            FortranModel loaded;
            loaded.w.order = order;  // uninitialised: takes the stored shape, keeps its order
            loaded.z = Tensor<std::complex<double>>({2, 3, 5}, {}, order);
            if (std::string(file).find(".npz") != std::string::npos) chainerser::load_npz(dir + file, loaded);
            else chainerser::load_hdf5(dir + file, loaded);
            EXPECT_EQ(loaded.w.shape, (std::vector<int64_t>{3, 4}));
            EXPECT_EQ(loaded.w.data, formula_tensor<float>({3, 4}, order).data);
            EXPECT_EQ(loaded.z.data, formula_tensor<std::complex<double>>({2, 3, 5}, order).data);
        }
}

}  // namespace
