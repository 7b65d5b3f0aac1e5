// Indexer read paths at informer scale: Get by key among 100k objects, and ByIndex returning 100
// of 100k (1000 label values, 100 objects each); the write path: Upsert of an update (the
// object changes its label value) among 10k objects with the namespace index and a label index.
// Run: bazel run -c opt //indexers:indexer_benchmark
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "indexers/testing/test_object.h"

namespace kube::indexers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;

constexpr int kObjects = 100000;

Indexer<TestObject>& Store() {
  static Indexer<TestObject>* store = [] {
    auto* s = new Indexer<TestObject>();
    (void)s->AddIndexers({LabelIndex<TestObject>("group")});
    std::vector<ObjectPtr<TestObject>> objects;
    for (int i = 0; i < kObjects; ++i) {
      objects.push_back(MakeObject(absl::StrCat("ns", i % 50), absl::StrCat("pod-", i), "1",
                                   {{"group", absl::StrCat("g", i % 1000)}}));
    }
    s->Replace(std::move(objects));
    return s;
  }();
  return *store;
}

void BM_GetByKey(benchmark::State& state) {
  Indexer<TestObject>& store = Store();
  std::vector<std::string> keys;
  for (int i = 0; i < 1024; ++i) keys.push_back(absl::StrCat("ns", (i * 97) % 50, "/pod-", i * 97));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.GetByKey(keys[i++ & 1023]));
  }
}
BENCHMARK(BM_GetByKey)->ThreadRange(1, 2);

// Keys spread over the whole store, visited in a scattered order: the entries are not in the
// CPU cache, as for the side-by-side store benchmark (tools/bench).
void BM_GetByKeyColdEntries(benchmark::State& state) {
  Indexer<TestObject>& store = Store();
  std::vector<std::string> keys;
  for (int i = 0; i < kObjects; ++i) {
    const int n = static_cast<int>((static_cast<int64_t>(i) * 7919) % kObjects);
    keys.push_back(absl::StrCat("ns", n % 50, "/pod-", n));
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.GetByKey(keys[i]));
    if (++i == keys.size()) i = 0;
  }
}
BENCHMARK(BM_GetByKeyColdEntries);

void BM_ByIndex100Of100k(benchmark::State& state) {
  Indexer<TestObject>& store = Store();
  int i = 0;
  for (auto _ : state) {
    auto r = store.ByIndex(LabelIndexName("group"), absl::StrCat("g", i++ % 1000));
    if (r->size() != 100) state.SkipWithError("wrong size");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ByIndex100Of100k)->ThreadRange(1, 2);

// BM_UpdateWithIndexes: the steady state of an informer, one MODIFIED event at a time. The
// `index_calls_per_update` counter is how often index functions ran per Upsert.
void BM_UpdateWithIndexes(benchmark::State& state) {
  constexpr int kStored = 10000;
  Indexer<TestObject> store;
  auto calls = std::make_shared<std::atomic<int64_t>>(0);
  IndexDefinition<TestObject> counted = LabelIndex<TestObject>("group");
  counted.func = [calls, inner = counted.func](const TestObject& o) {
    calls->fetch_add(1, std::memory_order_relaxed);
    return inner(o);
  };
  (void)store.AddIndexers({std::move(counted)});
  std::vector<ObjectPtr<TestObject>> objects;
  for (int i = 0; i < kStored; ++i) {
    objects.push_back(MakeObject(absl::StrCat("ns", i % 50), absl::StrCat("pod-", i), "1",
                                 {{"group", absl::StrCat("g", i % 100)}}));
  }
  store.Replace(objects);
  // Pre-built updates: every object moves to another group.
  std::vector<ObjectPtr<TestObject>> updates;
  for (int i = 0; i < 1024; ++i) {
    const int n = (i * 97) % kStored;
    updates.push_back(MakeObject(absl::StrCat("ns", n % 50), absl::StrCat("pod-", n), "2",
                                 {{"group", absl::StrCat("g", (n + 1 + i % 2) % 100)}}));
  }
  calls->store(0);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.Upsert(updates[i++ & 1023]));
  }
  state.counters["index_calls_per_update"] =
      static_cast<double>(calls->load()) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_UpdateWithIndexes);

}  // namespace
}  // namespace kube::indexers
