// The C++ wrapper's reach into the rest of the C API: bool tensors, ArrayInfo, batched reads,
// slabs, NPZ views, copies, the HDF5 lock, versions, and every open option and limit. Expected
// values come from NumPy and h5py reading the same files (tests/python/cpp_wrapper_oracle.py).
#include <chainerser/chainerser.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "support/sha256.h"
#include "cpp_test_helpers.h"
#include "support/test_support.h"

namespace {

namespace cs = chainerser;

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(text.substr(start, nl - start));
    return out;
}

std::vector<std::string> fields(const std::string &line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) out.push_back(line.substr(start, tab - start));
    out.push_back(line.substr(start));
    return out;
}

// One line of output for each arg after the command and file.
std::vector<std::string> oracle(const std::string &command, const std::string &file, const std::vector<std::string> &args) {
    std::vector<std::string> argv = {command, file};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    EXPECT_EQ(testsupport::run_python("cpp_wrapper_oracle.py", argv, &out), 0) << out;
    std::vector<std::string> result = lines(out);
    EXPECT_EQ(result.size(), args.size()) << out;
    result.resize(args.size());
    return result;
}

std::string joined(const std::vector<int64_t> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s;
}

std::string spec(const std::string &key, ser_order order) { return key + (order == SER_ORDER_F ? ":F" : ":C"); }
std::string spec(const std::string &key, ser_order order, const std::vector<int64_t> &off, const std::vector<int64_t> &cnt) {
    return spec(key, order) + ":" + joined(off) + ":" + joined(cnt);
}

template <class T>
std::string sha_of(const cs::Tensor<T> &t) {
    if constexpr (std::is_same_v<T, bool>) {
        const std::vector<unsigned char> bytes(t.data.begin(), t.data.end());
        return testsupport::sha256_hex(bytes.data(), bytes.size());
    } else {
        return testsupport::sha256_hex(t.data.data(), t.data.size() * sizeof(T));
    }
}

using cpptest::expect_error;

using cpptest::is_h5;

cs::Handle open_read(const std::string &path, const cs::LoadOptions &o = cs::LoadOptions()) {
    return is_h5(path) ? cs::open_h5(path, o) : cs::open_npz(path, o);
}

cs::LoadOptions exact() {  // dtypes must match exactly (the wrapper's LoadOptions default is Chainer's same_kind)
    cs::LoadOptions o;
    o.cast = SER_CAST_NO;
    return o;
}

// ---- bool tensors ----------------------------------------------------------------------------

TEST(CppParity, BoolTensorsReadWhatNumpyAndH5pyStored) {
    for (const char *name : {"persist.npz", "persist.uncompressed.npz", "persist.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = testsupport::data_path(name);
        cs::Handle h = open_read(path, exact());
        cs::Tensor<bool> mask = h.get<bool>("p_bool_arr");
        ASSERT_TRUE(mask.initialized);
        EXPECT_EQ(mask.shape, (std::vector<int64_t>{3}));
        EXPECT_EQ(mask.data, (std::vector<bool>{true, false, true}));
        EXPECT_EQ(sha_of(mask), oracle("sha", path, {"p_bool_arr:C"})[0]);

        cs::Tensor<bool> sized({3}, false);
        EXPECT_EQ(h.get_into("p_bool_arr", sized), SER_LOADED);
        EXPECT_EQ(sized.data, mask.data);
        cs::Tensor<bool> scalar = h.get<bool>("p_bool");
        EXPECT_EQ(scalar.data, (std::vector<bool>{true}));

        cs::Tensor<bool> wrong({4});
        expect_error([&] { h.get_into("p_bool_arr", wrong); }, SER_EMISMATCH, "'p_bool_arr'");
        EXPECT_EQ(wrong.data, std::vector<bool>(4, false));  // untouched
        expect_error([&] { h.get<bool>("p_f64"); }, SER_EMISMATCH, "'p_f64'");
        expect_error([&] { h.get<bool>("p_missing"); }, SER_ENOTFOUND, "'p_missing'");
    }
}

bool mask_value(int64_t i, int64_t j) { return (i + 2 * j) % 3 == 0; }

cs::Tensor<bool> mask_tensor(ser_order order) {
    cs::Tensor<bool> t({2, 3}, false, order);
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j) t.data[size_t(order == SER_ORDER_F ? j * 2 + i : i * 3 + j)] = mask_value(i, j);
    return t;
}

struct Masks : cs::Serializable {
    cs::Tensor<bool> c, f;
    void serialize(cs::Serializer &s) override {
        s("mask/c", c);
        s("mask/f", f);
    }
};

TEST(CppParity, BoolTensorsSaveAsNumpyBoolArraysInEitherOrder) {
    const std::string dir = testsupport::scratch_dir();
    Masks saved;
    saved.c = mask_tensor(SER_ORDER_C);
    saved.f = mask_tensor(SER_ORDER_F);
    cs::save_npz(dir + "/m.npz", saved, false);
    cs::save_npz(dir + "/mz.npz", saved, true);
    cs::save_hdf5(dir + "/m.h5", saved);
    const std::string values = "[[True, False, False], [False, True, False]]";
    for (const char *name : {"/m.npz", "/mz.npz", "/m.h5"}) {
        SCOPED_TRACE(name);
        const std::string path = dir + name;
        const std::vector<std::string> got = oracle("describe", path, {"mask/c", "mask/f"});
        EXPECT_EQ(got[0], "mask/c\t|b1\t2,3\t0\t" + values);
        // NPZ keeps the column-major layout (fortran_order True); HDF5 stores C order.
        EXPECT_EQ(got[1], std::string("mask/f\t|b1\t2,3\t") + (is_h5(path) ? "0" : "1") + "\t" + values);
        for (ser_order order : {SER_ORDER_C, SER_ORDER_F}) {
            Masks loaded;
            loaded.c.order = order;  // uninitialised: take the stored shape in this order
            loaded.f.order = order;
            if (is_h5(path)) cs::load_hdf5(path, loaded);
            else cs::load_npz(path, loaded);
            EXPECT_EQ(loaded.c.data, mask_tensor(order).data);
            EXPECT_EQ(loaded.f.data, mask_tensor(order).data);
        }
    }
}

// ---- ArrayInfo -------------------------------------------------------------------------------

TEST(CppParity, ArrayInfoDescribesEveryEntryAsNumpyDoes) {
    for (const char *name : {"persist.npz", "fortran.npz", "cnn.uncompressed.npz"}) {
        SCOPED_TRACE(name);
        const std::string path = testsupport::data_path(name);
        cs::Handle h = open_read(path);
        const std::vector<std::string> keys = h.keys();
        ASSERT_FALSE(keys.empty());
        const std::vector<std::string> numpy = oracle("describe", path, keys);
        for (size_t k = 0; k < keys.size(); ++k) {
            const std::vector<std::string> f = fields(numpy[k]);
            ASSERT_EQ(f.size(), 5u) << numpy[k];
            const cs::ArrayInfo info = h.info(keys[k]);
            EXPECT_EQ(info.descr(), f[1]) << keys[k];
            EXPECT_EQ(joined(info.shape), f[2]) << keys[k];
            EXPECT_EQ(info.fortran_order() ? "1" : "0", f[3]) << keys[k];
            EXPECT_EQ(info.is_none(), f[4] == "None") << keys[k];
            if (!info.is_none()) EXPECT_EQ(info.nbytes, info.count * info.itemsize) << keys[k];
        }
    }
    cs::Handle npz = cs::open_npz(testsupport::data_path("persist.npz"), cs::LoadOptions());
    const cs::ArrayInfo big = npz.info("p_big_endian");
    EXPECT_EQ(big.dtype, SER_INT32);
    EXPECT_EQ(big.byteorder, SER_BIG);
    EXPECT_EQ(big.dtype_name(), "int32");
    EXPECT_EQ(big.count, 3u);
    EXPECT_EQ(big.nbytes, 12u);
    EXPECT_EQ(npz.info("p_bool_arr").byteorder, SER_BYTEORDER_NA);
    EXPECT_EQ(npz.info("p_np_f64_0d").count, 1u);
    EXPECT_EQ(npz.info("p_none").count, 0u);
    EXPECT_EQ(cs::ArrayInfo::from_c(big.to_c()).shape, big.shape);
    cs::Handle h5 = cs::open_h5(testsupport::data_path("persist.h5"), cs::LoadOptions());
    EXPECT_EQ(h5.info("p_big_endian").descr(), ">i4");
    EXPECT_TRUE(h5.info("p_none").is_none());
    EXPECT_EQ(cs::open_npz(testsupport::data_path("fortran.npz"), cs::LoadOptions()).info("p_fortran").order, SER_ORDER_F);
    expect_error([&] { npz.info("no/such"); }, SER_ENOTFOUND, "'no/such'");
}

// ---- batched reads ---------------------------------------------------------------------------

TEST(CppParity, BatchReadsFillCallerAndWrapperTensorsAsNumpyReadsThem) {
    for (const char *name : {"cnn.npz", "cnn.uncompressed.npz", "cnn.h5"}) {
        const std::string path = testsupport::data_path(name);
        for (int32_t threads : {1, 2}) {
            SCOPED_TRACE(std::string(name) + " threads " + std::to_string(threads));
            cs::LoadOptions o;
            o.threads = threads;
            cs::Handle h = open_read(path, o);
            std::vector<std::string> keys;
            for (const std::string &k : h.keys())
                if (h.info(k).dtype == SER_FLOAT32) keys.push_back(k);
            ASSERT_GE(keys.size(), 10u);
            std::vector<cs::Tensor<float>> tensors(keys.size());
            std::vector<std::string> specs;
            cs::ReadBatch batch;
            for (size_t i = 0; i < keys.size(); ++i) {
                // Alternately caller-sized (C, F) and wrapper-allocated (C, F) tensors.
                const ser_order order = (i / 2) % 2 ? SER_ORDER_F : SER_ORDER_C;
                if (i % 2 == 0) tensors[i] = cs::Tensor<float>(h.info(keys[i]).shape, -1.0f, order);
                else tensors[i].order = order;
                EXPECT_EQ(batch.add(keys[i], tensors[i]), i);
                specs.push_back(spec(keys[i], order));
            }
            h.get_arrays(batch);
            const std::vector<std::string> numpy = oracle("sha", path, specs);
            for (size_t i = 0; i < keys.size(); ++i) {
                EXPECT_TRUE(batch.result(i).ok()) << keys[i] << ": " << batch.result(i).message;
                EXPECT_EQ(batch.result(i).outcome, SER_LOADED) << keys[i];
                EXPECT_TRUE(tensors[i].initialized) << keys[i];
                EXPECT_EQ(sha_of(tensors[i]), numpy[i]) << keys[i];
            }
        }
    }
}

TEST(CppParity, BatchReadsReportEachFailureByKeyAndStillFillTheRest) {
    cs::Handle h = cs::open_npz(testsupport::data_path("cnn.npz"), exact());
    cs::Tensor<float> w, missing, b;
    cs::Tensor<float> n({2});  // features/1/N is an int64 scalar
    cs::ReadBatch batch;
    batch.add("features/0/W", w);
    batch.add("no/such", missing);
    batch.add("features/1/N", n);
    batch.add("features/0/b", b);
    expect_error([&] { h.get_arrays(batch); }, SER_ENOTFOUND, "'no/such'");
    EXPECT_TRUE(batch.result(0).ok());
    EXPECT_EQ(batch.result(1).status, SER_ENOTFOUND);
    EXPECT_EQ(batch.result(2).status, SER_EMISMATCH);
    EXPECT_NE(batch.result(2).message.find("'features/1/N'"), std::string::npos) << batch.result(2).message;
    EXPECT_TRUE(batch.result(3).ok());
    EXPECT_EQ(w.shape, (std::vector<int64_t>{4, 1, 3, 3}));
    EXPECT_EQ(b.shape, (std::vector<int64_t>{4}));
    EXPECT_FALSE(missing.initialized);
    EXPECT_EQ(n.data, (std::vector<float>{0, 0}));

    cs::LoadOptions lenient;
    lenient.strict = false;
    cs::Handle u = cs::open_npz(testsupport::data_path("uninit.npz"), lenient);
    cs::Tensor<float> gone, none, ready;
    cs::Tensor<float> kept({3}, 9.0f);
    cs::ReadBatch quiet;
    quiet.add("no/such", gone);
    quiet.add("lazy/W", none);
    quiet.add("ready/W", ready);
    quiet.add("bn/beta", kept);
    u.get_arrays(quiet);
    EXPECT_EQ(quiet.result(0).outcome, SER_SKIP_MISSING);
    EXPECT_EQ(quiet.result(1).outcome, SER_WAS_NONE);
    EXPECT_EQ(quiet.result(2).outcome, SER_LOADED);
    EXPECT_EQ(quiet.result(3).outcome, SER_WAS_NONE);
    EXPECT_FALSE(gone.initialized);
    EXPECT_FALSE(none.initialized);
    EXPECT_EQ(ready.shape, (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(kept.data, std::vector<float>(3, 9.0f));  // None keeps an initialised target (chainer#7916)
}

// ---- slabs -----------------------------------------------------------------------------------

TEST(CppParity, SlabsEqualTheBlocksNumpyAndH5pyCut) {
    struct Case {
        const char *file, *key;
        std::vector<std::vector<int64_t>> blocks;  // offset then count
    };
    const std::vector<Case> cases = {
        {"cnn.npz", "features/2/W", {{1, 0, 0, 0}, {2, 4, 3, 3}, {0, 1, 1, 0}, {6, 2, 2, 3}, {5, 3, 2, 2}, {1, 1, 1, 1}}},
        {"cnn.uncompressed.npz", "features/2/W", {{1, 0, 0, 0}, {2, 4, 3, 3}, {0, 1, 1, 0}, {6, 2, 2, 3}}},
        {"cnn.h5", "features/2/W", {{1, 0, 0, 0}, {2, 4, 3, 3}, {0, 1, 1, 0}, {6, 2, 2, 3}, {5, 3, 2, 2}, {1, 1, 1, 1}}},
        {"fortran.npz", "w_fortran", {{0, 1, 1}, {2, 2, 3}, {1, 0, 0}, {1, 3, 4}}},
        {"fortran.h5", "w_fortran", {{0, 1, 1}, {2, 2, 3}}},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = testsupport::data_path(c.file);
        cs::Handle h = open_read(path);
        std::vector<std::string> specs;
        std::vector<std::string> ours;
        for (size_t b = 0; b + 1 < c.blocks.size(); b += 2)
            for (ser_order order : {SER_ORDER_C, SER_ORDER_F}) {
                specs.push_back(spec(c.key, order, c.blocks[b], c.blocks[b + 1]));
                if (std::string(c.key) == "w_fortran") ours.push_back(sha_of(h.get_slab<double>(c.key, c.blocks[b], c.blocks[b + 1], order)));
                else ours.push_back(sha_of(h.get_slab<float>(c.key, c.blocks[b], c.blocks[b + 1], order)));
            }
        EXPECT_EQ(ours, oracle("sha", path, specs));
        if (is_h5(path) && std::string(c.key) == "features/2/W") {
            const cs::Tensor<float> hyper = h.get_h5_slab<float>(c.key, c.blocks[0], c.blocks[1]);
            EXPECT_EQ(hyper.data, h.get_slab<float>(c.key, c.blocks[0], c.blocks[1]).data);
            cs::Tensor<float> into(c.blocks[1]);
            EXPECT_EQ(h.get_h5_slab_into(c.key, c.blocks[0], into), SER_LOADED);
            EXPECT_EQ(sha_of(into), oracle("sha", path, {spec(c.key, SER_ORDER_C, c.blocks[0], c.blocks[1])})[0]);
            cs::Tensor<float> column_major(c.blocks[1], 0.0f, SER_ORDER_F);
            expect_error([&] { h.get_h5_slab_into(c.key, c.blocks[0], column_major); }, SER_EINVAL, "'features/2/W'");
        }
    }
}

TEST(CppParity, SlabErrorsNameTheKey) {
    for (const char *name : {"cnn.npz", "cnn.h5"}) {
        SCOPED_TRACE(name);
        cs::Handle h = open_read(testsupport::data_path(name), exact());
        const std::string key = "features/2/W";
        expect_error([&] { h.get_slab<float>(key, {5, 0, 0, 0}, {2, 4, 3, 3}); }, SER_EINVAL, "'features/2/W'");
        expect_error([&] { h.get_slab<float>(key, {0, 0}, {1, 1, 1, 1}); }, SER_EINVAL, "'features/2/W'");
        expect_error([&] { h.get_slab<float>(key, {0, 0}, {1, 1}); }, SER_EINVAL, "'features/2/W'");
        expect_error([&] { h.get_slab<double>(key, {0, 0, 0, 0}, {1, 1, 1, 1}); }, SER_EMISMATCH, "'features/2/W'");
        expect_error([&] { h.get_slab<float>("no/such", {0}, {1}); }, SER_ENOTFOUND, "'no/such'");
        cs::Tensor<float> unsized;
        expect_error([&] { h.get_slab_into(key, {0, 0, 0, 0}, unsized); }, SER_EINVAL, "'features/2/W'");
    }
    cs::Handle npz = cs::open_npz(testsupport::data_path("cnn.npz"), cs::LoadOptions());
    expect_error([&] { npz.get_h5_slab<float>("features/2/W", {0, 0, 0, 0}, {1, 1, 1, 1}); }, SER_EINVAL, "HDF5");
}

// ---- NPZ views -------------------------------------------------------------------------------

template <class H, class = void>
struct can_view : std::false_type {};
template <class H>
struct can_view<H, std::void_t<decltype(std::declval<H>().template view<float>(std::string()))>> : std::true_type {};
static_assert(can_view<cs::Handle &>::value, "views of an open Handle");
static_assert(!can_view<cs::Handle>::value, "a view of a temporary Handle must not compile");
static_assert(!std::is_copy_constructible_v<cs::Handle>, "a Handle owns its views' memory: no copies");

TEST(CppParity, ViewsOfMembersNumpyStoredAreItsBytes) {
    const std::string path = testsupport::data_path("cnn.uncompressed.npz");  // numpy.savez
    cs::Handle h = cs::open_npz(path, cs::LoadOptions());
    std::vector<std::string> keys, specs;
    for (const std::string &k : h.keys())
        if (h.info(k).dtype == SER_FLOAT32) keys.push_back(k), specs.push_back(k + ":C");
    const std::vector<std::string> numpy = oracle("sha", path, specs);
    for (size_t i = 0; i < keys.size(); ++i) {
        const cs::ByteView bytes = h.view_bytes(keys[i]);
        EXPECT_EQ(bytes.info().descr(), "<f4");
        EXPECT_EQ(testsupport::sha256_hex(bytes.data(), bytes.size()), numpy[i]) << keys[i];
        try {  // numpy does not align member data; a float view works where it happens to be aligned
            const cs::ArrayView<float> v = h.view<float>(keys[i]);
            EXPECT_EQ(std::vector<float>(v.begin(), v.end()), h.get<float>(keys[i]).data) << keys[i];
        } catch (const cs::Error &e) {
            EXPECT_EQ(e.code(), SER_EMISMATCH);
            EXPECT_NE(std::string(e.what()).find("aligned"), std::string::npos) << e.what();
        }
    }
}

TEST(CppParity, AlignedViewsLastAsLongAsTheirHandle) {
    const std::string path = testsupport::scratch_dir() + "/aligned.npz";
    cs::WriteOptions wo;
    wo.compress = false;
    wo.align_data = true;
    cs::Tensor<double> w({3, 4}, 0.0, SER_ORDER_F);
    for (size_t i = 0; i < w.data.size(); ++i) w.data[i] = double(i) * 0.25;
    {
        cs::Handle out = cs::create_npz(path, wo);
        out.put("w", w);
        out.put("b", cs::Tensor<float>({5}, 1.5f));
        out.put_none("n");
        out.close();
    }
    cs::ArrayView<double> v;
    EXPECT_FALSE(v.valid());
    cs::Handle moved;
    {
        cs::Handle h = cs::open_npz(path, exact());
        v = h.view<double>("w");
        EXPECT_TRUE(v.valid());
        EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % 64, 0u);
        EXPECT_EQ(v.order(), SER_ORDER_F);
        EXPECT_EQ(v.shape(), (std::vector<int64_t>{3, 4}));
        EXPECT_EQ(std::vector<double>(v.begin(), v.end()), w.data);
        EXPECT_EQ(testsupport::sha256_hex(v.data(), v.size() * sizeof(double)), oracle("sha", path, {"w:F"})[0]);
        expect_error([&] { h.view<float>("w"); }, SER_EMISMATCH, "'w'");
        expect_error([&] { h.view<float>("n"); }, SER_EMISMATCH, "");
        expect_error([&] { h.view<float>("no/such"); }, SER_ENOTFOUND, "'no/such'");
        moved = std::move(h);  // the view follows its handle
    }
    EXPECT_TRUE(v.valid());
    EXPECT_EQ(v.at(5), 1.25);
    expect_error([&] { v.at(12); }, SER_EINVAL, "'w'");
    moved.close();
    EXPECT_FALSE(v.valid());
    expect_error([&] { v.at(0); }, SER_EINVAL, "'w'");

    cs::Handle compressed = cs::open_npz(testsupport::data_path("cnn.npz"), cs::LoadOptions());
    expect_error([&] { compressed.view<float>("features/0/b"); }, SER_EUNSUPPORTED, "");
    cs::Handle h5 = cs::open_h5(testsupport::data_path("cnn.h5"), cs::LoadOptions());
    expect_error([&] { h5.view_bytes("features/0/b"); }, SER_EINVAL, "NPZ");
}

// ---- copies ----------------------------------------------------------------------------------

TEST(CppParity, CopyAllAndCopyEntryKeepWhatNumpyAndH5pyRead) {
    const std::string dir = testsupport::scratch_dir();
    const std::string original = testsupport::data_path("persist.npz");
    cs::Handle src = cs::open_npz(original, cs::LoadOptions());
    {
        cs::Handle all = cs::create_npz(dir + "/all.npz");
        all.copy_all(src);
        all.close();
    }
    std::string out;
    EXPECT_EQ(testsupport::run_python("npz_compare.py", {original, dir + "/all.npz"}, &out), 0) << out;

    {
        cs::Handle some = cs::create_h5(dir + "/some.h5");
        some.copy_entry(src, "p_big_endian");
        some.copy_entry(src, "p_bool_arr");
        expect_error([&] { some.copy_entry(src, "no/such"); }, SER_ENOTFOUND, "'no/such'");
        some.close();
    }
    EXPECT_EQ(oracle("sha", dir + "/some.h5", {"p_big_endian:C", "p_bool_arr:C"}),
              oracle("sha", original, {"p_big_endian:C", "p_bool_arr:C"}));
    cs::Handle back = cs::open_h5(dir + "/some.h5", cs::LoadOptions());
    EXPECT_EQ(back.keys(), (std::vector<std::string>{"p_big_endian", "p_bool_arr"}));
    EXPECT_EQ(back.info("p_big_endian").byteorder, SER_BIG);
}

// ---- HDF5 lock -------------------------------------------------------------------------------

TEST(CppParity, H5LockGuardHoldsOffTheLibrarysHdf5Calls) {
    const std::string path = testsupport::data_path("cnn.h5");
    std::atomic<bool> done{false};
    std::string failure;
    std::thread reader;
    {
        cs::H5Lock lock;
        cs::H5Lock nested;  // recursive on one thread
        reader = std::thread([&] {
            try {
                cs::Handle h = cs::open_h5(path, cs::LoadOptions());
                if (h.get<float>("features/0/b").data.size() != 4) failure = "wrong size";
            } catch (const std::exception &e) {
                failure = e.what();
            }
            done = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        EXPECT_FALSE(done.load()) << "an HDF5 read ran while this thread held the lock";
    }
    reader.join();
    EXPECT_TRUE(done.load());
    EXPECT_EQ(failure, "");
    EXPECT_EQ(ser_h5_unlock(), SER_EINVAL);  // both guards released the lock
}

// ---- versions --------------------------------------------------------------------------------

TEST(CppParity, RuntimeVersionMatchesTheHeaders) {
    EXPECT_EQ(cs::version_string(), std::to_string(cs::version_major()) + "." + std::to_string(cs::version_minor()) + "." +
                                        std::to_string(cs::version_patch()));
    EXPECT_EQ(cs::version_number(), cs::version_major() * 10000 + cs::version_minor() * 100 + cs::version_patch());
    EXPECT_EQ(cs::version_number(), cs::header_version_number);  // built together
    EXPECT_EQ(cs::version_major(), SER_VERSION_MAJOR);
    EXPECT_TRUE(cs::version_compatible());
}

// ---- options and limits ----------------------------------------------------------------------

TEST(CppParity, LimitsDefaultToTheLibrarys) {
    ser_options c;
    ASSERT_EQ(ser_options_init(&c, SER_OPTIONS_VERSION), SER_OK);
    const cs::Limits l;
    EXPECT_EQ(l.max_header_bytes, c.max_header_bytes);
    EXPECT_EQ(l.max_entry_bytes, c.max_entry_bytes);
    EXPECT_EQ(l.max_members, c.max_members);
    EXPECT_EQ(l.max_inflate_ratio, c.max_inflate_ratio);
    EXPECT_EQ(l.max_total_bytes, c.max_total_bytes);
}

TEST(CppParity, EveryReadingOptionAndLimitIsEnforced) {
    const std::string cnn = testsupport::data_path("cnn.npz");
    auto with = [](auto change) {
        cs::LoadOptions o;
        change(o);
        return o;
    };
    expect_error([&] { cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.limits.max_members = 2; })).get<float>("head/0/b"); },
                 SER_ELIMIT, "limit");
    expect_error([&] { cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.limits.max_header_bytes = 10; })).get<float>("head/0/b"); },
                 SER_ELIMIT, "limit");
    {
        cs::Handle h = cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.limits.max_entry_bytes = 100; }));
        EXPECT_EQ(h.get<float>("features/0/b").data.size(), 4u);  // 16 bytes
        expect_error([&] { h.get<float>("features/2/W"); }, SER_ELIMIT, "'features/2/W'");  // 864 bytes
    }
    {
        cs::Handle h = cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.limits.max_total_bytes = 1000; }));
        EXPECT_EQ(h.get<float>("features/2/W").data.size(), 216u);                          // 864 bytes
        expect_error([&] { h.get<float>("features/0/W"); }, SER_ELIMIT, "'features/0/W'");  // 144 more
    }
    {
        const std::string zeros = testsupport::scratch_dir() + "/zeros.npz";
        cs::Handle w = cs::create_npz(zeros);  // deflated: about 1000 to 1
        w.put("z", cs::Tensor<double>({100000}, 0.0));
        w.close();
        expect_error([&] { cs::open_npz(zeros, with([](cs::LoadOptions &o) { o.limits.max_inflate_ratio = 2; })).get<double>("z"); },
                     SER_ELIMIT, "inflate-ratio");
        EXPECT_EQ(cs::open_npz(zeros, cs::LoadOptions()).get<double>("z").data.size(), 100000u);
    }
    expect_error([&] { cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.threads = -1; })); }, SER_EINVAL, "threads");
    // 3 is not a rule, yet within ser_cast's range of values (7 would be undefined behaviour).
    expect_error([&] { cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.cast = static_cast<ser_cast>(3); })); }, SER_EINVAL,
                 "cast");
    expect_error([&] { cs::open_npz(cnn, exact()).get<double>("features/0/b"); }, SER_EMISMATCH, "'features/0/b'");
    EXPECT_EQ(cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.cast = SER_CAST_SAFE; })).get<double>("features/0/b").data.size(), 4u);
    cs::Handle at = cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.path = "features/1/"; }));
    EXPECT_EQ(at.get<int64_t>("N").data.size(), 1u);
    EXPECT_EQ(at.keys().size(), 5u);
    cs::Handle names = cs::open_npz(cnn, with([](cs::LoadOptions &o) { o.ignore_names = {"features/0/b"}; }));
    cs::Tensor<float> ignored;
    EXPECT_EQ(names.get_into("features/0/b", ignored), SER_SKIP_IGNORED);
    EXPECT_FALSE(ignored.initialized);
}

TEST(CppParity, IgnorePredicateLivesWithTheHandleAndItsExceptionsStayInCpp) {
    const std::string cnn = testsupport::data_path("cnn.npz");
    auto calls = std::make_shared<std::atomic<int>>(0);
    cs::Handle h;
    {
        cs::LoadOptions o;
        o.threads = 2;
        o.ignore = [calls](const std::string &key) {
            ++*calls;
            return key == "features/0/b";
        };
        h = cs::open_npz(cnn, o);
    }  // the options are gone; the handle keeps its copy of the predicate
    cs::Tensor<float> b, w;
    EXPECT_EQ(h.get_into("features/0/b", b), SER_SKIP_IGNORED);
    cs::ReadBatch batch;
    batch.add("features/0/b", b);
    batch.add("features/0/W", w);
    h.get_arrays(batch);
    EXPECT_EQ(batch.result(0).outcome, SER_SKIP_IGNORED);
    EXPECT_EQ(batch.result(1).outcome, SER_LOADED);
    EXPECT_FALSE(b.initialized);
    EXPECT_GE(calls->load(), 3);
    cs::Handle child = h.child("features/0");
    EXPECT_EQ(child.path(), "features/0/");
    EXPECT_EQ(child.get_into("b", b), SER_SKIP_IGNORED);  // full keys, path included

    cs::LoadOptions throwing;
    throwing.ignore = [](const std::string &) -> bool { throw std::runtime_error("predicate failed"); };
    cs::Handle t = cs::open_npz(cnn, throwing);
    EXPECT_EQ(t.get<float>("features/0/b").data.size(), 4u);  // not ignored, and nothing crossed into C
}

TEST(CppParity, WriteOptionsReachTheFile) {
    const std::string dir = testsupport::scratch_dir();
    const cs::Tensor<float> x({64, 8}, 0.5f);
    for (int32_t level : {1, 7}) {
        cs::WriteOptions wo;
        wo.compression_level = level;
        wo.threads = 1;
        cs::Handle w = cs::create_h5(dir + "/l" + std::to_string(level) + ".h5", wo);
        w.put("x", x);
        w.close();
        std::string out;
        ASSERT_EQ(testsupport::run_python("h5_dump.py", {dir + "/l" + std::to_string(level) + ".h5"}, &out), 0) << out;
        const std::vector<std::string> f = fields(lines(out).at(0));
        ASSERT_GE(f.size(), 8u) << out;
        EXPECT_EQ(f[6], "gzip") << out;
        EXPECT_EQ(f[7], std::to_string(level)) << out;
    }
    cs::WriteOptions stored;
    stored.compress = false;
    for (bool compress : {true, false}) {
        const std::string path = dir + (compress ? "/c.npz" : "/s.npz");
        cs::Handle w = cs::create_npz(path, compress ? cs::WriteOptions() : stored);
        w.put("x", x);
        w.close();
        cs::Handle r = cs::open_npz(path, cs::LoadOptions());
        if (compress) expect_error([&] { r.view_bytes("x"); }, SER_EUNSUPPORTED, "");
        else EXPECT_EQ(r.view_bytes("x").size(), 64u * 8u * 4u);
    }
    cs::WriteOptions bad;
    bad.compression_level = 10;
    expect_error([&] { cs::create_npz(dir + "/bad.npz", bad); }, SER_EINVAL, "compression_level");
}

}  // namespace
