#include "indexers/builtin_indexes.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/index_registry.h"
#include "indexers/indexer.h"
#include "indexers/testing/test_object.h"

// OwnedObject: a TestObject with owner UIDs, whose ObjectTraits provide the optional OwnerUids.
namespace kube::indexers::builtin_test {
struct OwnedObject {
  testing::TestObject base;
  std::vector<std::string> owner_uids;
};
}  // namespace kube::indexers::builtin_test

namespace kube::indexers {
template <>
struct ObjectTraits<builtin_test::OwnedObject> {
  using O = builtin_test::OwnedObject;
  using Base = ObjectTraits<testing::TestObject>;
  static absl::string_view Namespace(const O& o) { return Base::Namespace(o.base); }
  static absl::string_view Name(const O& o) { return Base::Name(o.base); }
  static absl::string_view ResourceVersion(const O& o) { return Base::ResourceVersion(o.base); }
  static meta::LabelView Labels(const O& o) { return Base::Labels(o.base); }
  static std::optional<absl::string_view> Annotation(const O& o, absl::string_view key) {
    return Base::Annotation(o.base, key);
  }
  static const std::vector<std::string>& OwnerUids(const O& o) { return o.owner_uids; }
};
}  // namespace kube::indexers

namespace kube::indexers {
namespace {

using ::kube::indexers::builtin_test::OwnedObject;
using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

static_assert(HasOwnerUids<OwnedObject>);
static_assert(!HasOwnerUids<TestObject>);

TestObject Obj(absl::flat_hash_map<std::string, std::string> labels, std::string payload = "") {
  return *MakeObject("ns", "n", "1", std::move(labels), std::move(payload));
}

TEST(BuiltinIndexesTest, LabelPairsFilesEveryListedLabelAsKeyEqualsValue) {
  IndexDefinition<TestObject> d = LabelPairsIndex<TestObject>({"app", "tier"});
  EXPECT_EQ(d.name, "labels:app,tier");
  EXPECT_THAT(d.func(Obj({{"app", "web"}, {"tier", "fe"}, {"other", "x"}})),
              ElementsAre("app=web", "tier=fe"));
  EXPECT_THAT(d.func(Obj({{"tier", ""}})), ElementsAre("tier="));
  EXPECT_THAT(d.func(Obj({{"other", "x"}})), IsEmpty());
}

TEST(BuiltinIndexesTest, OwnerUidThroughTraitsDeduplicates) {
  IndexDefinition<OwnedObject> d = OwnerUidIndex<OwnedObject>();
  EXPECT_EQ(d.name, kOwnerUidIndex);
  OwnedObject o{Obj({}), {"u2", "u1", "u2"}};
  EXPECT_THAT(d.func(o), ElementsAre("u1", "u2"));
  EXPECT_THAT(d.func(OwnedObject{Obj({}), {}}), IsEmpty());
}

TEST(BuiltinIndexesTest, OwnerUidThroughAccessor) {
  IndexDefinition<TestObject> d = OwnerUidIndex<TestObject>(
      [](const TestObject& o) { return std::vector<std::string>{o.payload}; }, "payload");
  EXPECT_EQ(d.identity, "builtin:owner-uid:payload");
  EXPECT_THAT(d.func(Obj({}, "u9")), ElementsAre("u9"));
}

TEST(BuiltinIndexesTest, FieldIndexReadsAbsentFieldAsEmpty) {
  FieldAccessorFunc<TestObject> accessor =
      [](const TestObject& o, absl::string_view field) -> std::optional<std::string> {
    if (field != "payload" || o.payload == "<absent>") return std::nullopt;
    return o.payload;
  };
  IndexDefinition<TestObject> d = FieldIndex<TestObject>("payload", accessor, "test");
  EXPECT_EQ(d.name, FieldIndexName("payload"));
  EXPECT_EQ(d.name, "field:payload");
  EXPECT_THAT(d.func(Obj({}, "v")), ElementsAre("v"));
  EXPECT_THAT(d.func(Obj({}, "<absent>")), ElementsAre(""));
}

TEST(BuiltinIndexesTest, AddBuiltinIndexesRegistersTheSelectionAndRefusesDuplicates) {
  IndexRegistry<OwnedObject>::Builder builder;
  BuiltinIndexOptions options;
  options.namespace_index = true;
  options.label_keys = {"app"};
  options.label_pair_keys = {"app", "tier"};
  ASSERT_TRUE(AddBuiltinIndexes<OwnedObject>(builder, options).ok());
  EXPECT_EQ(AddBuiltinIndexes<OwnedObject>(builder, options).code(),
            absl::StatusCode::kAlreadyExists);
  IndexRegistry<OwnedObject> registry = std::move(builder).Build();
  EXPECT_THAT(registry.Names(),
              UnorderedElementsAre("namespace", "label:app", "labels:app,tier", "owner-uid"));
}

TEST(BuiltinIndexesTest, IndexerServesEachBuiltin) {
  Indexer<TestObject> indexer;
  ASSERT_TRUE(indexer.AddIndexers({LabelPairsIndex<TestObject>({"app"})}).ok());
  indexer.Upsert(MakeObject("a", "x", "1", {{"app", "web"}}));
  indexer.Upsert(MakeObject("b", "y", "1", {{"app", "db"}}));
  auto keys = indexer.IndexKeys("labels:app", "app=web");
  ASSERT_TRUE(keys.ok());
  EXPECT_THAT(*keys, ElementsAre("a/x"));
}

}  // namespace
}  // namespace kube::indexers
