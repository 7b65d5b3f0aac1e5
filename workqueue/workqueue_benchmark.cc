// Work queue benchmarks. Each workload is a plain loop so that tools/bench can mirror it line
// for line against client-go's util/workqueue (docs/benchmarks.md spells the loops out):
//
//   BM_AddGetDone                  one thread: Add(k); Get(); Done(k) over 4096 distinct keys
//   BM_WorkerPool/workers/distinct W workers Get+Done while one producer Adds 10,000 keys
//                                  (distinct = 10000: all different; 16: heavy merging), then
//                                  ShutDown and join; reported per add
//   BM_AddAfter/distinct           AddAfter(k, 1h) of 10,000 distinct keys into a fresh queue
//   BM_AddAfterRepeated            AddAfter("k", 1h) of one key again and again (merge path)
//   BM_AddRateLimited/distinct     AddRateLimited(k) of 10,000 distinct keys into a fresh queue
//                                  with DefaultControllerRateLimiter
//   BM_AddRateLimitedRepeated      AddRateLimited("k") of one key again and again
//
// Times are wall-clock (UseRealTime), like Go's ns/op, so the two sides compare directly.
//
// Run: bazel run -c opt //workqueue:workqueue_benchmark -- --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "workqueue/delaying_queue.h"
#include "workqueue/queue.h"
#include "workqueue/rate_limiting_queue.h"

namespace kube::workqueue {
namespace {

constexpr int kBatch = 10000;

// Keys look like the namespace/name keys informers produce.
std::vector<std::string> MakeKeys(int count, int distinct) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (int i = 0; i < count; ++i) keys.push_back(absl::StrCat("default/object-", i % distinct));
  return keys;
}

void BM_AddGetDone(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(4096, 4096);
  auto q = NewQueue<std::string>();
  size_t i = 0;
  for (auto _ : state) {
    q->Add(keys[i++ % keys.size()]);
    std::optional<std::string> item = q->Get();
    q->Done(*item);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddGetDone)->UseRealTime();

void BM_WorkerPool(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const std::vector<std::string> keys = MakeKeys(kBatch, static_cast<int>(state.range(1)));
  int64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto q = NewQueue<std::string>();
    std::vector<int64_t> counts(workers, 0);
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) {
      pool.emplace_back([&q, &counts, w] {
        while (std::optional<std::string> item = q->Get()) {
          ++counts[w];
          q->Done(*item);
        }
      });
    }
    state.ResumeTiming();

    for (const std::string& key : keys) q->Add(key);
    q->ShutDown();  // workers drain what is pending, then Get returns nullopt
    for (std::thread& t : pool) t.join();

    state.PauseTiming();
    for (int64_t c : counts) processed += c;
    q.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);  // adds per second
  state.counters["processed_per_add"] =
      static_cast<double>(processed) / (static_cast<double>(state.iterations()) * kBatch);
}
BENCHMARK(BM_WorkerPool)
    ->ArgNames({"workers", "distinct"})
    ->ArgsProduct({{1, 2, 4}, {kBatch, 16}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_AddAfter(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(kBatch, kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    auto q = NewDelayingQueue<std::string>();
    state.ResumeTiming();
    for (const std::string& key : keys) q->AddAfter(key, absl::Hours(1));
    state.PauseTiming();
    q.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_AddAfter)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_AddAfterRepeated(benchmark::State& state) {
  auto q = NewDelayingQueue<std::string>();
  const std::string key = "default/object-0";
  for (auto _ : state) q->AddAfter(key, absl::Hours(1));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddAfterRepeated)->UseRealTime();

void BM_AddRateLimited(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(kBatch, kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    auto q = NewRateLimitingQueue<std::string>();
    state.ResumeTiming();
    for (const std::string& key : keys) q->AddRateLimited(key);
    state.PauseTiming();
    q.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_AddRateLimited)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_AddRateLimitedRepeated(benchmark::State& state) {
  auto q = NewRateLimitingQueue<std::string>();
  const std::string key = "default/object-0";
  for (auto _ : state) q->AddRateLimited(key);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddRateLimitedRepeated)->UseRealTime();

}  // namespace
}  // namespace kube::workqueue
