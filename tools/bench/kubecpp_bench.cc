// kubecpp_bench — kubecpp's side of the side-by-side benchmarks (docs/benchmarks.md, "Side by
// side with client-go"). Its peer is tools/bench/clientgo (Go, client-go): same workloads, same
// flags, same output, so tools/bench/compare can put the two in one table.
//
// One process runs one workload once; compare runs repetitions as separate processes (peak RSS
// is a per-process high-water mark) and reports medians.
//
//   kubecpp_bench --workload=wq_add_get_done --iterations=2000000
//   kubecpp_bench --workload=wq_worker_pool --workers=4 --distinct=10000 --batches=100
//   kubecpp_bench --workload=sync --server-kubeconfig=DIR/kubeconfig --n=10000 --events=20000
//                 --wire=json|protobuf [--list-mode=list|watchlist]
//   kubecpp_bench --workload=store --server-kubeconfig=DIR/kubeconfig --n=100000
// Any workload also takes --absl-deadlock-detection=default|off (see Options).
//
// Output: one JSON object per line and metric, e.g.
//   {"impl":"kubecpp","workload":"wq_add_get_done","metric":"cycles_per_sec",
//    "params":{"iterations":2000000},"value":5123456.7,"unit":"cycles/s","better":"higher"}
// A workload kubecpp cannot run yet prints its rows with "value":null and
// "status":"not implemented" (compare shows n/a).
//
// The informer workloads (sync, store) are stubs until //informers exists; RunSync and
// RunStore below say exactly what they must measure to match the client-go harness.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "workqueue/queue.h"

namespace kube::bench {
namespace {

// Options mirrors the client-go harness's flags one for one (tools/bench/clientgo/main.go).
struct Options {
  std::string workload;
  std::string server_kubeconfig;   // the replay server (sync, store)
  int64_t n = 10000;               // pods the replay server serves
  int64_t events = 0;              // MODIFIED events to wait for after sync (0: skip)
  std::string wire = "json";       // json | protobuf
  std::string list_mode = "list";  // list (paged LIST, then WATCH) | watchlist (streaming list)
  int64_t lookups = 1000000;       // store: timed Get calls
  int64_t index_calls = 100000;    // store: timed ByIndex calls
  uint64_t seed = 1;               // store: random keys and namespaces looked up
  int64_t iterations = 2000000;    // wq_add_get_done: cycles
  int64_t workers = 1;             // wq_worker_pool
  int64_t distinct = 10000;        // wq_worker_pool: distinct keys among a batch's 10,000 adds
  int64_t batches = 100;           // wq_worker_pool: batches of 10,000 adds
  // default: absl::Mutex as the system Abseil ships it; off: deadlock detection disabled.
  std::string deadlock_detection = "default";
};

[[noreturn]] void Fail(absl::string_view message) {
  std::fprintf(stderr, "kubecpp_bench: %.*s\n", static_cast<int>(message.size()), message.data());
  std::exit(1);
}

// Params is a workload's parameters, printed as a JSON object with sorted keys (as Go does).
class Params {
 public:
  Params& Int(const std::string& key, int64_t value) {
    fields_[key] = absl::StrCat(value);
    return *this;
  }
  Params& Str(const std::string& key, const std::string& value) {
    fields_[key] = absl::StrCat("\"", value, "\"");  // values are flag words, no escaping needed
    return *this;
  }
  std::string Json() const {
    std::vector<std::string> parts;
    for (const auto& [key, value] : fields_) parts.push_back(absl::StrCat("\"", key, "\":", value));
    return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
  }

 private:
  std::map<std::string, std::string> fields_;
};

// Emit prints one result row; a nullopt value is a row kubecpp cannot produce yet.
void Emit(const std::string& workload, const std::string& metric, const Params& params,
          std::optional<double> value, const std::string& unit, const std::string& better) {
  std::string line = absl::StrCat(R"({"impl":"kubecpp","workload":")", workload, R"(","metric":")",
                                  metric, R"(","params":)", params.Json(), R"(,"value":)",
                                  value ? absl::StrFormat("%.17g", *value) : std::string("null"),
                                  R"(,"unit":")", unit, R"(","better":")", better, "\"");
  if (!value) absl::StrAppend(&line, R"(,"status":"not implemented")");
  absl::StrAppend(&line, "}\n");
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The work queue loops are workqueue/workqueue_benchmark.cc's (BM_AddGetDone, BM_WorkerPool),
// and the client-go harness runs the same loops on util/workqueue.
constexpr int kBatch = 10000;

std::vector<std::string> MakeKeys(int count, int distinct) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (int i = 0; i < count; ++i) keys.push_back(absl::StrCat("default/object-", i % distinct));
  return keys;
}

// wq_add_get_done: one thread, Add(k); Get(); Done(k); cycles per second.
void RunAddGetDone(const Options& o) {
  const std::vector<std::string> keys = MakeKeys(4096, 4096);
  auto q = workqueue::NewQueue<std::string>();
  const Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < o.iterations; ++i) {
    q->Add(keys[i % keys.size()]);
    std::optional<std::string> item = q->Get();
    q->Done(*item);
  }
  const double elapsed = Seconds(Clock::now() - start);
  q->ShutDown();
  Emit("wq_add_get_done", "cycles_per_sec", Params().Int("iterations", o.iterations),
       static_cast<double>(o.iterations) / elapsed, "cycles/s", "higher");
}

// wq_worker_pool: W workers Get+Done while one producer Adds 10,000 keys, then ShutDown and
// join (the workers drain what is pending); adds per second over --batches batches. Creating
// the queue and starting the workers is outside the timed part, as in the benchmark.
void RunWorkerPool(const Options& o) {
  if (o.workers < 1 || o.distinct < 1) Fail("--workers and --distinct must be positive");
  const std::vector<std::string> keys = MakeKeys(kBatch, static_cast<int>(o.distinct));
  Clock::duration timed{};
  int64_t processed = 0;
  for (int64_t b = 0; b < o.batches; ++b) {
    auto q = workqueue::NewQueue<std::string>();
    std::vector<int64_t> counts(o.workers, 0);
    std::vector<std::thread> pool;
    for (int64_t w = 0; w < o.workers; ++w) {
      pool.emplace_back([&q, &counts, w] {
        while (std::optional<std::string> item = q->Get()) {
          ++counts[w];
          q->Done(*item);
        }
      });
    }
    const Clock::time_point start = Clock::now();
    for (const std::string& key : keys) q->Add(key);
    q->ShutDown();
    for (std::thread& t : pool) t.join();
    timed += Clock::now() - start;
    for (int64_t c : counts) processed += c;
  }
  if (o.distinct == kBatch && processed != o.batches * kBatch) {
    Fail(absl::StrCat("processed ", processed, " of ", o.batches * kBatch, " distinct adds"));
  }
  Emit("wq_worker_pool", "adds_per_sec",
       Params().Int("workers", o.workers).Int("distinct", o.distinct).Int("batches", o.batches),
       static_cast<double>(o.batches * kBatch) / Seconds(timed), "adds/s", "higher");
}

// sync: what the client-go harness measures, and what this must measure once //informers exists:
//   - a pod informer on the replay server of --server-kubeconfig (bearer token and CA from it),
//     with the namespace index and one handler counting updates, registered before start;
//     wire format --wire (Accept and Content-Type), no response compression (no
//     Accept-Encoding), no client-side rate limit; --list-mode=list: paged LIST (limit=500,
//     as client-go's pager) then WATCH from the list's resourceVersion;
//   - wall_time: from starting the informer to HasSynced (store holds the N initial pods);
//   - peak_rss: VmHWM of /proc/self/status right after sync;
//   - heap_per_pod: (heap bytes in use after sync - before start) / N, e.g. mallinfo2().uordblks;
//   - rss_per_pod: (VmRSS after sync, after releasing free memory (malloc_trim) - before) / N;
//   - then, if --events > 0: POST /bench/release to the server (it holds watch events until
//     then), and events_per_sec = events / (time from the release to the handler's events-th
//     update).
void RunSync(const Options& o) {
  const Params params = Params().Int("n", o.n).Str("wire", o.wire).Str("list_mode", o.list_mode);
  Emit("sync", "wall_time", params, std::nullopt, "ms", "lower");
  Emit("sync", "peak_rss", params, std::nullopt, "MiB", "lower");
  Emit("sync", "heap_per_pod", params, std::nullopt, "bytes", "lower");
  Emit("sync", "rss_per_pod", params, std::nullopt, "bytes", "lower");
  if (o.events > 0) {
    Emit("watch", "events_per_sec",
         Params()
             .Int("n", o.n)
             .Int("events", o.events)
             .Str("wire", o.wire)
             .Str("list_mode", o.list_mode),
         std::nullopt, "events/s", "higher");
  }
}

// store: sync as above (the server spreads N pods over its namespaces), then
//   - get_p50 / get_p99: --lookups Get-by-key calls on keys drawn uniformly at random (seeded)
//     from the store's keys, each call timed alone on the monotonic clock, after a warm-up pass
//     of 10,000 calls; nearest-rank percentiles, in ns;
//   - byindex: --index-calls ByIndex("namespace", ns) calls on random namespaces, each
//     returning that namespace's pods (shared pointers, no copies); total time / calls, in ns.
void RunStore(const Options& o) {
  // The namespace count comes from the synced store; until then it is the replay's default
  // spread of 100 pods per namespace.
  const int64_t namespaces = o.n / 100 > 0 ? o.n / 100 : 1;
  const Params params = Params().Int("n", o.n).Int("namespaces", namespaces);
  Emit("store", "get_p50", params, std::nullopt, "ns", "lower");
  Emit("store", "get_p99", params, std::nullopt, "ns", "lower");
  Emit("store", "byindex", Params(params).Int("per_namespace", o.n / namespaces), std::nullopt,
       "ns/call", "lower");
}

// ParseFlags accepts --name=value (and -name=value) for every Options field.
Options ParseFlags(int argc, char** argv) {
  Options o;
  const std::map<std::string, std::string*> strings = {
      {"workload", &o.workload},
      {"server-kubeconfig", &o.server_kubeconfig},
      {"kubeconfig", &o.server_kubeconfig},
      {"wire", &o.wire},
      {"list-mode", &o.list_mode},
      {"absl-deadlock-detection", &o.deadlock_detection},
  };
  const std::map<std::string, int64_t*> ints = {
      {"n", &o.n},
      {"events", &o.events},
      {"lookups", &o.lookups},
      {"index-calls", &o.index_calls},
      {"iterations", &o.iterations},
      {"workers", &o.workers},
      {"distinct", &o.distinct},
      {"batches", &o.batches},
  };
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--")) absl::ConsumePrefix(&arg, "-");
    const size_t eq = arg.find('=');
    if (eq == absl::string_view::npos) Fail(absl::StrCat("expected --name=value, got ", argv[i]));
    const std::string name(arg.substr(0, eq));
    const absl::string_view value = arg.substr(eq + 1);
    if (auto it = strings.find(name); it != strings.end()) {
      *it->second = std::string(value);
    } else if (auto it = ints.find(name); it != ints.end()) {
      if (!absl::SimpleAtoi(value, it->second)) Fail(absl::StrCat("--", name, ": not a number"));
    } else if (name == "seed") {
      if (!absl::SimpleAtoi(value, &o.seed)) Fail("--seed: not a number");
    } else {
      Fail(absl::StrCat("unknown flag --", name));
    }
  }
  if (o.wire != "json" && o.wire != "protobuf") Fail("--wire must be json or protobuf");
  if (o.deadlock_detection != "default" && o.deadlock_detection != "off") {
    Fail("--absl-deadlock-detection must be default or off");
  }
  if (o.list_mode != "list" && o.list_mode != "watchlist") {
    Fail("--list-mode must be list or watchlist");
  }
  return o;
}

int Main(int argc, char** argv) {
  const Options o = ParseFlags(argc, argv);
  // Debian's Abseil is built with absl::Mutex deadlock detection on, which every Lock and
  // Unlock pays for (docs/benchmarks.md). Left as the library ships unless asked.
  if (o.deadlock_detection == "off") {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  if (o.workload == "wq_add_get_done") {
    RunAddGetDone(o);
  } else if (o.workload == "wq_worker_pool") {
    RunWorkerPool(o);
  } else if (o.workload == "sync") {
    RunSync(o);
  } else if (o.workload == "store") {
    RunStore(o);
  } else {
    Fail(absl::StrCat("unknown --workload '", o.workload,
                      "' (sync, store, wq_add_get_done, wq_worker_pool)"));
  }
  return 0;
}

}  // namespace
}  // namespace kube::bench

int main(int argc, char** argv) { return kube::bench::Main(argc, argv); }
