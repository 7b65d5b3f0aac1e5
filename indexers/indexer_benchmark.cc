// Indexer read paths at informer scale: Get by key among 100k objects, and ByIndex returning 100
// of 100k (1000 label values, 100 objects each). Run: bazel run -c opt //indexers:indexer_benchmark
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

}  // namespace
}  // namespace kube::indexers
