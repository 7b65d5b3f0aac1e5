#include "client/meta/object_key.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/hash/hash_testing.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::HasSubstr;

TEST(ObjectKeyTest, ParsesNamespacedAndClusterScopedKeys) {
  absl::StatusOr<ObjectKey> k = ObjectKey::Parse("default/web-1");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->ns(), "default");
  EXPECT_EQ(k->name(), "web-1");
  EXPECT_FALSE(k->IsClusterScoped());
  EXPECT_EQ(k->String(), "default/web-1");

  absl::StatusOr<ObjectKey> c = ObjectKey::Parse("system:controller:x");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ns(), "");
  EXPECT_EQ(c->name(), "system:controller:x");
  EXPECT_TRUE(c->IsClusterScoped());
  EXPECT_EQ(c->String(), "system:controller:x");
}

TEST(ObjectKeyTest, RejectsMalformedKeysSayingWhy) {
  struct Case {
    const char* key;
    const char* why;
  };
  for (const Case& c : std::vector<Case>{
           {"", "empty"},
           {"/name", "empty namespace"},
           {"ns/", "empty name"},
           {"a/b/c", "more than one '/'"},
           {"Default/x", "namespace"},
           {"ns.with.dots/x", "namespace"},
           {"ns/..", "may not be"},
           {".", "may not be"},
           {"ns/a%2Fb", "may not contain"},
       }) {
    absl::StatusOr<ObjectKey> k = ObjectKey::Parse(c.key);
    ASSERT_FALSE(k.ok()) << c.key;
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(k.status().message(), HasSubstr(c.why)) << c.key;
  }
}

TEST(ObjectKeyTest, CreateValidatesLikeParse) {
  absl::StatusOr<ObjectKey> k = ObjectKey::Create("kube-system", "coredns");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->String(), "kube-system/coredns");
  absl::StatusOr<ObjectKey> c = ObjectKey::Create("", "node-1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->String(), "node-1");
  EXPECT_FALSE(ObjectKey::Create("a/b", "c").ok());
  EXPECT_FALSE(ObjectKey::Create("ns", "a/b").ok());
  EXPECT_FALSE(ObjectKey::Create("ns", "").ok());
  EXPECT_FALSE(ObjectKey::Create("NS", "x").ok());
}

TEST(ObjectKeyTest, FromTrustedKeepsPartsExactly) {
  ObjectKey k = ObjectKey::FromTrusted("ns", "name");
  EXPECT_EQ(k.ns(), "ns");
  EXPECT_EQ(k.name(), "name");
  EXPECT_EQ(k, *ObjectKey::Parse("ns/name"));
  ObjectKey empty;
  EXPECT_EQ(empty.String(), "");
  EXPECT_TRUE(empty.IsClusterScoped());
}

TEST(ObjectKeyTest, CopiesAndMovesKeepViewsValid) {
  // Long enough to live on the heap, so a move really moves the buffer.
  ObjectKey original = ObjectKey::FromTrusted(std::string(40, 'n'), std::string(40, 'x'));
  ObjectKey copy = original;
  ObjectKey moved = std::move(original);
  EXPECT_EQ(copy.ns(), std::string(40, 'n'));
  EXPECT_EQ(moved.name(), std::string(40, 'x'));
  EXPECT_EQ(copy, moved);
  // The moved-from key is the empty key, safe to read and to reuse.
  EXPECT_EQ(original.String(), "");  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(original.ns(), "");
  EXPECT_EQ(original.name(), "");
  original = copy;
  EXPECT_EQ(original, copy);
}

TEST(ObjectKeyTest, OrderedByNamespaceThenName) {
  std::vector<ObjectKey> keys = {ObjectKey::FromTrusted("b", "a"), ObjectKey::FromTrusted("a", "z"),
                                 ObjectKey::FromTrusted("", "zz"),
                                 ObjectKey::FromTrusted("a", "b")};
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> strings;
  for (const ObjectKey& k : keys) strings.push_back(k.String());
  EXPECT_THAT(strings, ::testing::ElementsAre("zz", "a/b", "a/z", "b/a"));
}

TEST(ObjectKeyTest, HashIsConsistentAcrossKeyRefAndString) {
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {ObjectKey::FromTrusted("", "a"), ObjectKey::FromTrusted("a", ""),
       ObjectKey::FromTrusted("a", "b"), ObjectKey::FromTrusted("ab", ""),
       ObjectKey::FromTrusted("", "ab")}));
  ObjectKeyHash hash;
  ObjectKey k = ObjectKey::FromTrusted("ns", "name");
  EXPECT_EQ(hash(k), hash(ObjectKeyRef{"ns", "name"}));
  EXPECT_EQ(hash(k), hash(absl::string_view("ns/name")));
  EXPECT_NE(hash(k), hash(absl::string_view("nsname")));
}

TEST(ObjectKeyMapTest, HeterogeneousLookupWithoutBuildingKeys) {
  ObjectKeyMap<int> map;
  map[ObjectKey::FromTrusted("default", "web")] = 1;
  map[ObjectKey::FromTrusted("", "node-1")] = 2;
  EXPECT_EQ(map.find(absl::string_view("default/web"))->second, 1);
  EXPECT_EQ(map.find(ObjectKeyRef{"default", "web"})->second, 1);
  EXPECT_EQ(map.find(absl::string_view("node-1"))->second, 2);
  EXPECT_EQ(map.find(ObjectKeyRef{"", "node-1"})->second, 2);
  EXPECT_EQ(map.find(absl::string_view("other/web")), map.end());
  EXPECT_EQ(map.find(absl::string_view("web")), map.end());
  EXPECT_EQ(map.find(absl::string_view("default/web/x")), map.end());

  ObjectKeySet set;
  set.insert(ObjectKey::FromTrusted("a", "b"));
  EXPECT_TRUE(set.contains(absl::string_view("a/b")));
  EXPECT_FALSE(set.contains(absl::string_view("b")));
}

}  // namespace
}  // namespace kube::meta
