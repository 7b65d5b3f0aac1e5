#include "indexers/cache_query.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/meta/fields.h"
#include "client/meta/labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/builtin_indexes.h"
#include "indexers/indexer.h"
#include "indexers/testing/test_object.h"

// CountedObject: a TestObject whose ObjectTraits count label reads, so a test can tell how many
// objects a query looked at (an index lookup reads only the candidates, a scan reads them all).
namespace kube::indexers::query_test {
inline std::atomic<int> label_reads{0};
struct CountedObject {
  testing::TestObject o;
};
}  // namespace kube::indexers::query_test

namespace kube::indexers {
template <>
struct ObjectTraits<query_test::CountedObject> {
  using C = query_test::CountedObject;
  using Base = ObjectTraits<testing::TestObject>;
  static absl::string_view Namespace(const C& c) { return Base::Namespace(c.o); }
  static absl::string_view Name(const C& c) { return Base::Name(c.o); }
  static absl::string_view ResourceVersion(const C& c) { return Base::ResourceVersion(c.o); }
  static meta::LabelView Labels(const C& c) {
    query_test::label_reads.fetch_add(1, std::memory_order_relaxed);
    return Base::Labels(c.o);
  }
  static std::optional<absl::string_view> Annotation(const C& c, absl::string_view key) {
    return Base::Annotation(c.o, key);
  }
};
}  // namespace kube::indexers

namespace kube::indexers {
namespace {

using ::kube::indexers::query_test::CountedObject;
using ::kube::indexers::query_test::label_reads;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

using Obj = ObjectPtr<CountedObject>;

// The "node" field of a test object is its payload ("" reads as absent).
std::optional<std::string> ReadField(const CountedObject& c, absl::string_view field) {
  if (field == "spec.nodeName" && !c.o.payload.empty()) return c.o.payload;
  return std::nullopt;
}

Obj Make(std::string ns, std::string name, absl::flat_hash_map<std::string, std::string> labels,
         std::string node) {
  auto c = std::make_shared<CountedObject>();
  c->o.ns = std::move(ns);
  c->o.name = std::move(name);
  c->o.resource_version = "1";
  c->o.labels = std::move(labels);
  c->o.payload = std::move(node);
  return c;
}

std::vector<std::string> Keys(const std::vector<Obj>& objects) {
  std::vector<std::string> keys;
  for (const Obj& o : objects) keys.push_back(KeyOf(*o).String());
  return keys;
}

class CacheQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(indexer_
                    .AddIndexers({LabelIndex<CountedObject>("app"),
                                  FieldIndex<CountedObject>("spec.nodeName", &ReadField, "test")})
                    .ok());
  }
  // Random objects over small value domains, so that queries have non-trivial answers.
  void Fill(int n, uint32_t seed) {
    std::mt19937 rng(seed);
    auto pick = [&rng](int k) { return static_cast<int>(rng() % k); };
    for (int i = 0; i < n; ++i) {
      absl::flat_hash_map<std::string, std::string> labels;
      if (pick(5) != 0) labels["app"] = absl::StrCat("app", pick(6));
      if (pick(3) != 0) labels["tier"] = absl::StrCat("t", pick(3));
      std::string node = pick(4) == 0 ? "" : absl::StrCat("node", pick(8));
      Obj o = Make(absl::StrCat("ns", pick(4)), absl::StrCat("o", i), std::move(labels), node);
      all_.push_back(o);
      indexer_.Upsert(o);
    }
  }
  std::vector<std::string> BruteForce(const meta::LabelSelector& selector,
                                      std::optional<std::string> ns) {
    std::vector<std::string> keys;
    for (const Obj& o : all_) {
      if (ns.has_value() && o->o.ns != *ns) continue;
      if (selector.Matches(o->o.labels)) keys.push_back(KeyOf(*o).String());
    }
    return keys;
  }
  std::vector<std::string> BruteForce(const meta::FieldSelector& selector,
                                      std::optional<std::string> ns) {
    std::vector<std::string> keys;
    for (const Obj& o : all_) {
      if (ns.has_value() && o->o.ns != *ns) continue;
      auto accessor = [&o](absl::string_view f) { return ReadField(*o, f); };
      if (selector.Matches(accessor)) keys.push_back(KeyOf(*o).String());
    }
    return keys;
  }

  Indexer<CountedObject> indexer_;
  CacheQuery<CountedObject> query_{&indexer_};
  std::vector<Obj> all_;
};

TEST_F(CacheQueryTest, ExactLabelIsServedFromTheLabelIndex) {
  Fill(400, 1);
  meta::LabelSelector selector = *meta::LabelSelector::Parse("app=app3,tier!=t1");
  QueryStats stats;
  int before = label_reads.load();
  std::vector<Obj> got = query_.List(selector, std::nullopt, &stats);
  int reads = label_reads.load() - before;
  ASSERT_FALSE(stats.scanned());
  EXPECT_EQ(stats.lookups[0].index, "label:app");
  EXPECT_EQ(stats.lookups[0].value, "app3");
  auto in_index = indexer_.IndexSize("label:app", "app3");
  ASSERT_TRUE(in_index.ok());
  EXPECT_EQ(stats.candidates, *in_index);
  // Only the candidates were matched against the selector, not all 400 objects.
  EXPECT_EQ(reads, static_cast<int>(*in_index));
  EXPECT_LT(*in_index, 400u);
  EXPECT_THAT(Keys(got), UnorderedElementsAreArray(BruteForce(selector, std::nullopt)));
  // Results are the cached objects themselves.
  for (const Obj& o : got) EXPECT_EQ(indexer_.GetByKey(KeyOf(*o).String()), o);
}

TEST_F(CacheQueryTest, NamespaceIndexAndScanFallbacks) {
  Fill(200, 2);
  meta::LabelSelector tier = *meta::LabelSelector::Parse("tier=t1");  // no index on tier
  QueryStats stats;
  std::vector<Obj> in_ns = query_.List(tier, "ns1", &stats);
  ASSERT_EQ(stats.lookups.size(), 1u);
  EXPECT_EQ(stats.lookups[0].index, kNamespaceIndex);
  EXPECT_THAT(Keys(in_ns), UnorderedElementsAreArray(BruteForce(tier, "ns1")));

  int before = label_reads.load();
  std::vector<Obj> everywhere = query_.List(tier, std::nullopt, &stats);
  EXPECT_TRUE(stats.scanned());
  EXPECT_EQ(stats.candidates, 200u);
  EXPECT_EQ(label_reads.load() - before, 200);
  EXPECT_THAT(Keys(everywhere), UnorderedElementsAreArray(BruteForce(tier, std::nullopt)));

  EXPECT_TRUE(query_.List(meta::LabelSelector::Nothing()).empty());
}

TEST_F(CacheQueryTest, LabelAndNamespaceAreIntersected) {
  Fill(300, 3);
  meta::LabelSelector selector = *meta::LabelSelector::Parse("app in (app2)");
  QueryStats stats;
  std::vector<Obj> got = query_.List(selector, "ns0", &stats);
  EXPECT_EQ(stats.lookups.size(), 2u);
  EXPECT_EQ(stats.candidates, got.size());  // the intersection needed no further filtering
  EXPECT_THAT(Keys(got), UnorderedElementsAreArray(BruteForce(selector, "ns0")));
}

TEST_F(CacheQueryTest, MatchingFieldsNeedsAnIndex) {
  Fill(50, 4);
  auto status = query_.MatchingFields({{"status.phase", "Running"}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("status.phase"));
  EXPECT_EQ(query_.MatchingFields({}).status().code(), absl::StatusCode::kInvalidArgument);
  auto not_equal = meta::FieldSelector::Parse("spec.nodeName!=node1");
  ASSERT_TRUE(not_equal.ok());
  EXPECT_EQ(query_.MatchingFieldSelector(*not_equal).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto nothing = query_.MatchingFieldSelector(meta::FieldSelector::Nothing());
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
  auto contradiction = meta::FieldSelector::Parse("spec.nodeName=node1,spec.nodeName=node2");
  ASSERT_TRUE(contradiction.ok());
  auto none = query_.MatchingFieldSelector(*contradiction);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(CacheQueryTest, IntersectWithAMissingIndexIsNotFound) {
  Fill(10, 5);
  EXPECT_EQ(query_.Intersect({{"label:tier", "t1"}}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(query_.Intersect({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CacheQueryTest, RandomQueriesEqualBruteForce) {
  Fill(600, 6);
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::optional<std::string> ns;
    if (rng() % 2) ns = absl::StrCat("ns", rng() % 5);  // ns4 does not exist
    std::string node = rng() % 5 == 0 ? "" : absl::StrCat("node", rng() % 9);
    // Fields.
    meta::FieldSelector fields = meta::FieldSelector::FromSet({{"spec.nodeName", node}});
    QueryStats stats;
    auto by_field = query_.MatchingFieldSelector(fields, ns, &stats);
    ASSERT_TRUE(by_field.ok()) << by_field.status();
    EXPECT_FALSE(stats.scanned());
    EXPECT_THAT(Keys(*by_field), UnorderedElementsAreArray(BruteForce(fields, ns)))
        << fields.String() << " in " << ns.value_or("*");
    // Labels, with and without an indexable requirement.
    std::vector<std::string> texts = {
        absl::StrCat("app=app", rng() % 7),
        absl::StrCat("app=app", rng() % 7, ",tier=t", rng() % 3),
        absl::StrCat("tier in (t", rng() % 3, ",t", rng() % 3, ")"),
        absl::StrCat("app in (app", rng() % 7, "),!tier"),
        "app",
        "!app",
    };
    for (const std::string& text : texts) {
      meta::LabelSelector selector = *meta::LabelSelector::Parse(text);
      EXPECT_THAT(Keys(query_.List(selector, ns)),
                  UnorderedElementsAreArray(BruteForce(selector, ns)))
          << text << " in " << ns.value_or("*");
    }
    // An intersection of label and field equals both filters.
    std::string app = absl::StrCat("app", rng() % 6);
    auto both = query_.Intersect({{"label:app", app}, {FieldIndexName("spec.nodeName"), node}});
    ASSERT_TRUE(both.ok());
    std::vector<std::string> expected;
    for (const Obj& o : all_) {
      auto it = o->o.labels.find("app");
      if (it != o->o.labels.end() && it->second == app && o->o.payload == node) {
        expected.push_back(KeyOf(*o).String());
      }
    }
    EXPECT_THAT(Keys(*both), UnorderedElementsAreArray(expected));
  }
}

TEST_F(CacheQueryTest, SeesUpdatesAndDeletes) {
  Obj a = Make("ns", "a", {{"app", "web"}}, "node1");
  indexer_.Upsert(a);
  indexer_.Upsert(Make("ns", "a", {{"app", "db"}}, "node2"));
  auto on_node1 = query_.MatchingFields({{"spec.nodeName", "node1"}});
  ASSERT_TRUE(on_node1.ok());
  EXPECT_TRUE(on_node1->empty());
  EXPECT_EQ(query_.List(*meta::LabelSelector::Parse("app=db")).size(), 1u);
  indexer_.Delete(meta::ObjectKeyRef{"ns", "a"});
  EXPECT_TRUE(query_.List(*meta::LabelSelector::Parse("app=db")).empty());
}

}  // namespace
}  // namespace kube::indexers
