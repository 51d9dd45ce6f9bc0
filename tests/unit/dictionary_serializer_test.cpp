// DictionarySerializer: Chainer's flat key -> array map, built through the same interface as the
// file backends (chainer-test-checklist: TestDictionarySerializer and TestGroupHierachy).
#include <gtest/gtest.h>

#include <cstring>

#include "core/dictionary_serializer.h"
#include "core/error.h"

namespace {

using chainerser::core::ArrayMeta;
using chainerser::core::ConstArrayView;
using chainerser::core::DictionarySerializer;

ConstArrayView f32_view(const std::vector<float> &v, std::vector<int64_t> shape) {
    ConstArrayView view;
    view.meta.type = chainerser::core::native_type(SER_FLOAT32);
    view.meta.shape = std::move(shape);
    view.data = v.data();
    view.nbytes = v.size() * sizeof(float);
    return view;
}

std::vector<std::string> keys_of(const DictionarySerializer &s) {
    std::vector<std::string> keys;
    for (const auto &kv : s.target()) keys.push_back(kv.first);
    return keys;
}

TEST(DictionarySerializer, StoresAFloat32ArrayUnderItsKeyWithShapeDtypeAndBytes) {
    DictionarySerializer s;
    const std::vector<float> w = {1, 2, 3, 4, 5, 6};
    s.save("w", f32_view(w, {2, 3}));
    const auto &stored = s.target().at("w");
    EXPECT_EQ(stored.meta.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(stored.meta.type.dtype, SER_FLOAT32);
    ASSERT_EQ(stored.bytes.size(), sizeof(float) * 6);
    EXPECT_EQ(std::memcmp(stored.bytes.data(), w.data(), stored.bytes.size()), 0);
}

TEST(DictionarySerializer, LeadingSlashOfAValueKeyIsStripped) {
    DictionarySerializer s;
    const std::vector<float> w = {1};
    s.save("/w", f32_view(w, {1}));
    EXPECT_EQ(keys_of(s), (std::vector<std::string>{"w"}));
}

TEST(DictionarySerializer, NoneIsStoredAsNone) {
    DictionarySerializer s;
    s.save_none("x");
    EXPECT_TRUE(s.target().at("x").meta.is_none());
}

TEST(DictionarySerializer, ChildrenWriteIntoTheSameMapUnderTheirPath) {
    // TestGroupHierachy.test_save_chain: a DictionarySerializer with base path 'test/'.
    DictionarySerializer root("test/");
    const std::vector<float> v(6, 1.0f), b(3, 0.0f);
    auto child = root.child("child");
    auto linear = child->child("/linear/");
    EXPECT_EQ(linear->path(), "test/child/linear/");
    linear->save("W", f32_view(v, {3, 2}));
    linear->save("b", f32_view(b, {3}));
    child->save("Wc", f32_view(v, {2, 3}));
    root.save("Wp", f32_view(v, {2, 3}));
    EXPECT_EQ(keys_of(root), (std::vector<std::string>{"test/Wp", "test/child/Wc", "test/child/linear/W",
                                                       "test/child/linear/b"}));
}

TEST(DictionarySerializer, DataThatDoesNotMatchTheShapeIsRefused) {
    DictionarySerializer s;
    const std::vector<float> w = {1, 2, 3};
    try {
        s.save("w", f32_view(w, {2, 3}));
        FAIL() << "3 floats accepted for shape (2, 3)";
    } catch (const chainerser::core::Error &e) {
        EXPECT_EQ(e.code(), SER_EINVAL);
        EXPECT_NE(std::string(e.what()).find("'w'"), std::string::npos) << e.what();
    }
}

}  // namespace
