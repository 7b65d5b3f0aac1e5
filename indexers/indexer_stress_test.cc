// Concurrent readers, single-object writers and full Replaces on one Indexer. Run under
// --config=tsan. Checks the invariants a reader relies on: every object found through an index
// is filed under the value its index function gives, and a Replace is seen atomically (a reader
// never sees a generation mixed with another).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "indexers/lister.h"
#include "indexers/testing/test_object.h"

namespace kube::indexers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;

constexpr int kObjects = 200;

std::vector<ObjectPtr<TestObject>> Generation(int gen) {
  std::vector<ObjectPtr<TestObject>> out;
  for (int i = 0; i < kObjects; ++i) {
    out.push_back(MakeObject(absl::StrCat("ns", i % 4), absl::StrCat("o", i), absl::StrCat(gen),
                             {{"gen", absl::StrCat(gen)}, {"app", absl::StrCat("a", i % 10)}}));
  }
  return out;
}

TEST(IndexerStressTest, ConcurrentReadersWritersAndReplace) {
  Indexer<TestObject> store;
  ASSERT_TRUE(store.AddIndexers({LabelIndex<TestObject>("app")}).ok());
  store.Replace(Generation(0));
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> replaces{0};

  std::vector<std::thread> threads;
  // Replacer: whole generations, all objects carry the same "gen".
  threads.emplace_back([&] {
    for (int gen = 1; gen <= 200; ++gen) {
      store.Replace(Generation(gen));
      replaces.fetch_add(1);
    }
    stop = true;
  });
  // Single writers on keys outside the generations.
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      int i = 0;
      while (!stop.load()) {
        std::string name = absl::StrCat("w", w, "-", i % 20);
        store.Upsert(MakeObject("extra", name, absl::StrCat(i), {{"app", "extra"}}));
        if (i % 3 == 0) store.Delete(meta::ObjectKeyRef{"extra", name});
        ++i;
      }
    });
  }
  // Readers.
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      Lister<TestObject> lister(&store);
      while (!stop.load()) {
        auto by_app = store.ByIndex(LabelIndexName("app"), "a3");
        if (!by_app.ok()) {
          failures++;
          continue;
        }
        for (const auto& o : *by_app) {
          if (o->labels.at("app") != "a3") failures++;
        }
        // All generation objects in one List come from one Replace (extra/* may be anything).
        std::string gen;
        for (const auto& o : store.List()) {
          if (o->ns == "extra") continue;
          if (gen.empty()) gen = o->resource_version;
          if (o->resource_version != gen) failures++;
        }
        auto in_ns = lister.ListInNamespace("ns1", *meta::LabelSelector::Parse("app=a1"));
        for (const auto& o : in_ns) {
          if (o->ns != "ns1" || o->labels.at("app") != "a1") failures++;
        }
        if (store.GetByKey("ns0/o0") == nullptr) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(replaces.load(), 200);
  EXPECT_EQ(store.GetByKey("ns0/o0")->resource_version, "200");
}

}  // namespace
}  // namespace kube::indexers
