#include "indexers/indexer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/index_func.h"
#include "indexers/testing/test_object.h"

namespace kube::indexers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> Describe(const std::vector<Delta<TestObject>>& deltas) {
  std::vector<std::string> out;
  for (const auto& d : deltas) {
    out.push_back(absl::StrCat(
        DeltaTypeName(d.type), " ", KeyOf(*d.object).String(), "@", d.object->resource_version,
        d.old_object ? absl::StrCat(" was ", d.old_object->resource_version) : ""));
  }
  return out;
}

TEST(IndexerTest, UpsertGetDeleteReturnSharedObjects) {
  Indexer<TestObject> store;
  auto a = MakeObject("ns1", "a", "1");
  Delta<TestObject> added = store.Upsert(a);
  EXPECT_EQ(added.type, DeltaType::kAdded);
  EXPECT_EQ(added.old_object, nullptr);
  EXPECT_EQ(store.GetByKey("ns1/a").get(), a.get());  // the same object, not a copy
  EXPECT_EQ(store.GetByKey("ns1/b"), nullptr);

  auto a2 = MakeObject("ns1", "a", "2");
  Delta<TestObject> updated = store.Upsert(a2);
  EXPECT_EQ(updated.type, DeltaType::kUpdated);
  EXPECT_EQ(updated.old_object.get(), a.get());
  EXPECT_EQ(store.GetByKey("ns1/a").get(), a2.get());

  auto deleted = store.Delete(meta::ObjectKeyRef{"ns1", "a"});
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->type, DeltaType::kDeleted);
  EXPECT_EQ(deleted->object.get(), a2.get());
  EXPECT_FALSE(store.Delete(meta::ObjectKeyRef{"ns1", "a"}).has_value());
  EXPECT_EQ(store.Size(), 0u);
}

TEST(IndexerTest, ClusterScopedKeyHasNoNamespace) {
  Indexer<TestObject> store;
  store.Upsert(MakeObject("", "node-1", "1"));
  EXPECT_THAT(store.ListKeys(), ElementsAre("node-1"));
  EXPECT_NE(store.GetByKey("node-1"), nullptr);
  EXPECT_THAT(*store.IndexKeys(kNamespaceIndex, ""), ElementsAre("node-1"));
}

TEST(IndexerTest, NamespaceIndexIsBuiltInAndFollowsUpdates) {
  Indexer<TestObject> store;
  store.Upsert(MakeObject("a", "x", "1"));
  store.Upsert(MakeObject("a", "y", "1"));
  store.Upsert(MakeObject("b", "x", "1"));
  EXPECT_THAT(Sorted(*store.IndexKeys(kNamespaceIndex, "a")), ElementsAre("a/x", "a/y"));
  EXPECT_THAT(Sorted(*store.ListIndexFuncValues(kNamespaceIndex)), ElementsAre("a", "b"));
  store.Delete(meta::ObjectKeyRef{"b", "x"});
  // An emptied value disappears from ListIndexFuncValues.
  EXPECT_THAT(*store.ListIndexFuncValues(kNamespaceIndex), ElementsAre("a"));
  EXPECT_THAT(*store.IndexKeys(kNamespaceIndex, "b"), IsEmpty());
}

TEST(IndexerTest, UnknownIndexIsNotFound) {
  Indexer<TestObject> store;
  EXPECT_EQ(store.ByIndex("nope", "x").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store.IndexKeys("nope", "x").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store.ListIndexFuncValues("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST(IndexerTest, IndexAddedLaterIndexesExistingObjects) {
  Indexer<TestObject> store;
  store.Upsert(MakeObject("ns", "a", "1", {{"app", "web"}}));
  store.Upsert(MakeObject("ns", "b", "1", {{"app", "db"}}));
  store.Upsert(MakeObject("ns", "c", "1"));
  ASSERT_TRUE(store.AddIndexers({LabelIndex<TestObject>("app")}).ok());
  EXPECT_THAT(*store.IndexKeys(LabelIndexName("app"), "web"), ElementsAre("ns/a"));
  EXPECT_THAT(Sorted(*store.ListIndexFuncValues(LabelIndexName("app"))), ElementsAre("db", "web"));
  // And later writes keep it current, including moving between values.
  store.Upsert(MakeObject("ns", "a", "2", {{"app", "db"}}));
  EXPECT_THAT(*store.IndexKeys(LabelIndexName("app"), "web"), IsEmpty());
  EXPECT_THAT(Sorted(*store.IndexKeys(LabelIndexName("app"), "db")), ElementsAre("ns/a", "ns/b"));
}

TEST(IndexerTest, ByIndexReturnsTheCurrentObjectAfterAnUpdateThatKeepsItsValues) {
  Indexer<TestObject> store;
  ASSERT_TRUE(store.AddIndexers({LabelIndex<TestObject>("app")}).ok());
  store.Upsert(MakeObject("ns", "a", "1", {{"app", "web"}}));
  auto a2 = MakeObject("ns", "a", "2", {{"app", "web"}});
  store.Upsert(a2);
  auto by_app = store.ByIndex(LabelIndexName("app"), "web");
  ASSERT_TRUE(by_app.ok());
  ASSERT_EQ(by_app->size(), 1u);
  EXPECT_EQ((*by_app)[0].get(), a2.get());
  auto by_ns = store.ByIndex(kNamespaceIndex, "ns");
  ASSERT_EQ(by_ns->size(), 1u);
  EXPECT_EQ((*by_ns)[0].get(), a2.get());
}

// An index function that fails (returns nothing) or changes its mind between calls, as a
// plugin may: updates and deletes unfile by the values recorded at insert time, so no stale
// entry survives, and the function runs once per index per write (never on the old object).
TEST(IndexerTest, UnfilesByRecordedValuesNotByRerunningTheFunction) {
  Indexer<TestObject> store;
  auto failing = std::make_shared<bool>(false);
  auto calls = std::make_shared<int>(0);
  IndexDefinition<TestObject> group = LabelIndex<TestObject>("group");
  group.func = [failing, calls, inner = group.func](const TestObject& o) {
    ++*calls;
    return *failing ? std::vector<std::string>{} : inner(o);
  };
  ASSERT_TRUE(store.AddIndexers({group}).ok());
  const std::string index = LabelIndexName("group");
  store.Upsert(MakeObject("ns1", "a", "1", {{"group", "x"}}));
  store.Upsert(MakeObject("ns1", "b", "1", {{"group", "x"}}));
  EXPECT_EQ(*calls, 2);
  *calls = 0;
  store.Upsert(MakeObject("ns1", "b", "2", {{"group", "y"}}));
  EXPECT_EQ(*calls, 1) << "one call per index per update";
  EXPECT_THAT(Sorted(*store.IndexKeys(index, "x")), ElementsAre("ns1/a"));
  EXPECT_THAT(*store.IndexKeys(index, "y"), ElementsAre("ns1/b"));

  // The function fails from now on: the update unfiles a from x; the delete unfiles b from y.
  *failing = true;
  store.Upsert(MakeObject("ns1", "a", "2", {{"group", "z"}}));
  EXPECT_THAT(*store.IndexKeys(index, "x"), IsEmpty());
  EXPECT_THAT(*store.ListIndexFuncValues(index), ElementsAre("y"));
  ASSERT_TRUE(store.Delete(meta::ObjectKeyRef{"ns1", "b"}).has_value());
  EXPECT_THAT(*store.ByIndex(index, "y"), IsEmpty());
  EXPECT_THAT(*store.ListIndexFuncValues(index), IsEmpty());

  // Working again: filed afresh; a relist records values too.
  *failing = false;
  store.Upsert(MakeObject("ns1", "a", "3", {{"group", "z"}}));
  EXPECT_THAT(*store.IndexKeys(index, "z"), ElementsAre("ns1/a"));
  store.Replace({MakeObject("ns1", "a", "4", {{"group", "w"}})});
  *failing = true;
  ASSERT_TRUE(store.Delete(meta::ObjectKeyRef{"ns1", "a"}).has_value());
  EXPECT_THAT(*store.ListIndexFuncValues(index), IsEmpty());
}

TEST(IndexerTest, DuplicateIndexNameIsAnErrorAndAddsNothing) {
  Indexer<TestObject> store;
  EXPECT_EQ(store.AddIndexers({NamespaceIndex<TestObject>()}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(
      store.AddIndexers({LabelIndex<TestObject>("app"), LabelIndex<TestObject>("app")}).code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(store.HasIndex(LabelIndexName("app")));
}

TEST(IndexerTest, MultiValuedIndex) {
  Indexer<TestObject> store;
  ASSERT_TRUE(store
                  .AddIndexers({{"labels", "test:labels",
                                 [](const TestObject& o) {
                                   std::vector<std::string> v;
                                   for (const auto& [k, val] : o.labels) v.push_back(k);
                                   return v;
                                 }}})
                  .ok());
  store.Upsert(MakeObject("ns", "a", "1", {{"x", "1"}, {"y", "1"}}));
  EXPECT_THAT(*store.IndexKeys("labels", "x"), ElementsAre("ns/a"));
  EXPECT_THAT(*store.IndexKeys("labels", "y"), ElementsAre("ns/a"));
  store.Upsert(MakeObject("ns", "a", "2", {{"y", "1"}}));
  EXPECT_THAT(*store.IndexKeys("labels", "x"), IsEmpty());
  EXPECT_THAT(*store.IndexKeys("labels", "y"), ElementsAre("ns/a"));
}

TEST(IndexerTest, ReplaceReportsDeletesFirstThenAddsAndUpdatesInListOrder) {
  Indexer<TestObject> store;
  ASSERT_TRUE(store.AddIndexers({LabelIndex<TestObject>("app")}).ok());
  store.Upsert(MakeObject("ns", "keep", "1", {{"app", "old"}}));
  store.Upsert(MakeObject("ns", "gone1", "1", {{"app", "old"}}));
  store.Upsert(MakeObject("ns", "gone2", "1"));
  auto deltas = store.Replace(
      {MakeObject("ns", "new", "5"), MakeObject("ns", "keep", "6", {{"app", "new"}})});
  std::vector<std::string> described = Describe(deltas);
  ASSERT_EQ(described.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(described.begin(), described.begin() + 2),
              UnorderedElementsAre("Deleted ns/gone1@1", "Deleted ns/gone2@1"));
  EXPECT_EQ(described[2], "Added ns/new@5");
  EXPECT_EQ(described[3], "Updated ns/keep@6 was 1");
  EXPECT_THAT(Sorted(store.ListKeys()), ElementsAre("ns/keep", "ns/new"));
  // Indexes are rebuilt for the new content.
  EXPECT_THAT(*store.IndexKeys(LabelIndexName("app"), "old"), IsEmpty());
  EXPECT_THAT(*store.IndexKeys(LabelIndexName("app"), "new"), ElementsAre("ns/keep"));
  EXPECT_THAT(*store.IndexKeys(kNamespaceIndex, "ns"), ::testing::SizeIs(2));
}

TEST(IndexerTest, ReplaceWithDuplicateKeysKeepsTheLast) {
  Indexer<TestObject> store;
  auto deltas = store.Replace({MakeObject("ns", "a", "1"), MakeObject("ns", "a", "2")});
  EXPECT_THAT(Describe(deltas), ElementsAre("Added ns/a@2"));
  EXPECT_EQ(store.GetByKey("ns/a")->resource_version, "2");
}

TEST(IndexerTest, ReplaceWithEmptyListDeletesEverything) {
  Indexer<TestObject> store;
  store.Upsert(MakeObject("ns", "a", "1"));
  EXPECT_THAT(Describe(store.Replace({})), ElementsAre("Deleted ns/a@1"));
  EXPECT_EQ(store.Size(), 0u);
  EXPECT_THAT(*store.ListIndexFuncValues(kNamespaceIndex), IsEmpty());
}

}  // namespace
}  // namespace kube::indexers
