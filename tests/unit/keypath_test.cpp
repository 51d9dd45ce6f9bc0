#include <gtest/gtest.h>

#include "core/keypath.h"

using chainerser::core::child_path;
using chainerser::core::value_key;

// chainer-test-checklist: DictionarySerializer / NpzDeserializer get_item and strip_slashes.
TEST(KeyPath, ChildAppendsNameAndSlash) { EXPECT_EQ(child_path("", "x"), "x/"); }

TEST(KeyPath, ChildStripsEveryLeadingAndTrailingSlash) {
    EXPECT_EQ(child_path("", "/x/"), "x/");
    EXPECT_EQ(child_path("", "//l1/W//"), "l1/W/");
    EXPECT_EQ(child_path("a/", "/b"), "a/b/");
}

TEST(KeyPath, ChildKeepsInnerSlashesUncollapsed) { EXPECT_EQ(child_path("", "a//b"), "a//b/"); }

TEST(KeyPath, ValueKeyStripsOnlyLeadingSlashes) {
    EXPECT_EQ(value_key("", "/w"), "w");
    EXPECT_EQ(value_key("", "//w"), "w");
    EXPECT_EQ(value_key("", "x/"), "x/");
    EXPECT_EQ(value_key("test/", "Wp"), "test/Wp");
}

TEST(KeyPath, OptimizerParameterPathsLoseTheirLeadingSlash) {
    // Optimizer.serialize uses s['/l1/W'] for each parameter, then writes 't', 'm', 'v'.
    EXPECT_EQ(value_key(child_path("", "/l1/W"), "m"), "l1/W/m");
}
