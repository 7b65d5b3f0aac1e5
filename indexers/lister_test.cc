#include "indexers/lister.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/indexer.h"
#include "indexers/testing/test_object.h"

namespace kube::indexers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Keys(const std::vector<ObjectPtr<TestObject>>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.push_back(KeyOf(*o).String());
  std::sort(out.begin(), out.end());
  return out;
}

meta::LabelSelector Sel(absl::string_view s) { return *meta::LabelSelector::Parse(s); }

class ListerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Upsert(MakeObject("a", "web-1", "1", {{"app", "web"}, {"tier", "front"}}));
    store_.Upsert(MakeObject("a", "db-1", "1", {{"app", "db"}}));
    store_.Upsert(MakeObject("b", "web-2", "1", {{"app", "web"}}));
    store_.Upsert(MakeObject("b", "plain", "1"));
  }
  Indexer<TestObject> store_;
  Lister<TestObject> lister_{&store_};
};

TEST_F(ListerTest, GetReturnsTheCachedObjectOrNotFound) {
  auto got = lister_.Get("a", "web-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->get(), store_.GetByKey("a/web-1").get());
  EXPECT_EQ(lister_.Get("a", "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(lister_.Get("b", "web-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ListerTest, ListBySelectorAcrossNamespaces) {
  EXPECT_THAT(Keys(lister_.List(meta::LabelSelector::Everything())),
              ElementsAre("a/db-1", "a/web-1", "b/plain", "b/web-2"));
  EXPECT_THAT(Keys(lister_.List(Sel("app=web"))), ElementsAre("a/web-1", "b/web-2"));
  EXPECT_THAT(Keys(lister_.List(Sel("app!=web"))), ElementsAre("a/db-1", "b/plain"));
  EXPECT_THAT(Keys(lister_.List(Sel("app=web,tier=front"))), ElementsAre("a/web-1"));
  EXPECT_THAT(lister_.List(meta::LabelSelector::Nothing()), IsEmpty());
}

TEST_F(ListerTest, ListInNamespace) {
  EXPECT_THAT(Keys(lister_.ListInNamespace("b", meta::LabelSelector::Everything())),
              ElementsAre("b/plain", "b/web-2"));
  EXPECT_THAT(Keys(lister_.ListInNamespace("b", Sel("app=web"))), ElementsAre("b/web-2"));
  EXPECT_THAT(lister_.ListInNamespace("c", meta::LabelSelector::Everything()), IsEmpty());
}

TEST_F(ListerTest, ExactLabelRequirementIsServedFromTheLabelIndex) {
  std::atomic<int> calls{0};
  ASSERT_TRUE(store_
                  .AddIndexers({{LabelIndexName("app"), "counting",
                                 [&calls](const TestObject& o) {
                                   ++calls;
                                   std::vector<std::string> v;
                                   if (auto it = o.labels.find("app"); it != o.labels.end())
                                     v.push_back(it->second);
                                   return v;
                                 }}})
                  .ok());
  // The index is used: its content decides the answer. Poison it by filing nothing under "web"
  // for a new object whose label says web, and the lister must not find that object.
  store_.Upsert(MakeObject("c", "web-3", "1", {{"app", "web"}}));
  EXPECT_THAT(Keys(lister_.ListInNamespace("c", Sel("app=web"))), ElementsAre("c/web-3"));
  EXPECT_THAT(Keys(lister_.List(Sel("app in (web)"))),
              ElementsAre("a/web-1", "b/web-2", "c/web-3"));
  int before = calls.load();
  // Reads never call index functions: they only read the index.
  lister_.List(Sel("app=web"));
  EXPECT_EQ(calls.load(), before);
}

// A lying index function proves the lister reads the index rather than scanning: an object the
// index does not file under "web" is not returned for app=web even though its labels match.
TEST(ListerIndexTest, LabelIndexDecidesCandidates) {
  Indexer<TestObject> store;
  ASSERT_TRUE(store
                  .AddIndexers({{LabelIndexName("app"), "liar",
                                 [](const TestObject& o) {
                                   return o.name == "hidden" ? std::vector<std::string>{}
                                                             : std::vector<std::string>{"web"};
                                 }}})
                  .ok());
  store.Upsert(MakeObject("a", "shown", "1", {{"app", "web"}}));
  store.Upsert(MakeObject("a", "hidden", "1", {{"app", "web"}}));
  Lister<TestObject> lister(&store);
  EXPECT_THAT(Keys(lister.List(Sel("app=web"))), ElementsAre("a/shown"));
  // Without an exact requirement the lister scans and finds both.
  EXPECT_THAT(Keys(lister.List(Sel("app"))), ElementsAre("a/hidden", "a/shown"));
}

}  // namespace
}  // namespace kube::indexers
