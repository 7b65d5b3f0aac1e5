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
//   kubecpp_bench --workload=pod_memory --server-kubeconfig=DIR/kubeconfig --n=10000 --wire=...
//                 (kubecpp only: what a cached pod's bytes are made of)
// Any workload also takes --absl-deadlock-detection=default|off (see Options).
//
// Output: one JSON object per line and metric, e.g.
//   {"impl":"kubecpp","workload":"wq_add_get_done","metric":"cycles_per_sec",
//    "params":{"iterations":2000000},"value":5123456.7,"unit":"cycles/s","better":"higher"}
// A workload kubecpp cannot run prints its rows with "value":null and "status":"not
// implemented" (compare shows n/a); every workload is implemented now.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/config/loader.h"
#include "client/rest/rest_client.h"
#include "client/transport/http_transport.h"
#include "client/transport/transport.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "informers/rest_lister_watcher.h"
#include "informers/shared_informer.h"
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

// ---- Informer workloads (sync, store) ----

// ProcStatus reads VmHWM and VmRSS (bytes) from /proc/self/status, as the Go harness does.
struct ProcMemory {
  int64_t hwm = 0;
  int64_t rss = 0;
};

ProcMemory ReadProcStatus() {
  ProcMemory m;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() < 2) continue;
    int64_t kb = 0;
    if (!absl::SimpleAtoi(fields[1], &kb)) continue;
    if (fields[0] == "VmHWM:") m.hwm = kb * 1024;
    if (fields[0] == "VmRSS:") m.rss = kb * 1024;
  }
  if (m.hwm == 0 || m.rss == 0) Fail("cannot read VmHWM/VmRSS from /proc/self/status");
  return m;
}

// HeapInUse is glibc malloc's bytes in allocated chunks (main arena and the others), the
// counterpart of Go's MemStats.HeapInuse.
int64_t HeapInUse() { return static_cast<int64_t>(mallinfo2().uordblks); }

using Pod = api::core::v1::Pod;

// Synced is a running pod informer on the replay server, synced.
struct Synced {
  std::shared_ptr<rest::RestClient> client;
  std::unique_ptr<informers::RestListerWatcher<Pod>> lister_watcher;
  std::unique_ptr<informers::SharedIndexInformer<Pod>> informer;
  std::shared_ptr<informers::HandlerRegistration> registration;
  std::atomic<int64_t> updates{0};
  absl::Notification all_updates;  // the handler has seen --events updates
  Clock::duration wall{};

  ~Synced() {
    if (informer != nullptr) informer->Shutdown();
  }
};

// StartAndSync is the Go harness's startAndSync: a pod informer (namespace index, which every
// kubecpp cache has, like the client-go factory's) with one counting handler registered before
// start; returns once HasSynced. Client settings as on the Go side: the wire format asked for,
// no response compression, no client-side rate limit, paged LIST of 500 (the reflector's
// page size) then WATCH, or the streaming list with --list-mode=watchlist.
std::unique_ptr<Synced> StartAndSync(const Options& o) {
  if (o.server_kubeconfig.empty()) Fail("--server-kubeconfig is required");
  config::LoaderOptions loader;
  loader.explicit_path = o.server_kubeconfig;
  loader.allow_in_cluster = false;
  absl::StatusOr<config::LoadedRestConfig> loaded = config::LoadRestConfig(loader);
  if (!loaded.ok()) Fail(loaded.status().ToString());
  config::RestConfig cfg = loaded->config;
  cfg.disable_compression = true;
  cfg.qps = -1;
  cfg.user_agent = "kubecpp-bench";
  absl::StatusOr<std::shared_ptr<transport::Transport>> t = transport::NewHttpTransport(cfg);
  if (!t.ok()) Fail(t.status().ToString());
  auto s = std::make_unique<Synced>();
  absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
      rest::RestClient::Create(*t, {.config = cfg});
  if (!client.ok()) Fail(client.status().ToString());
  s->client = *client;
  informers::RestListerWatcherOptions lw_options;
  lw_options.resource = "pods";
  lw_options.format =
      o.wire == "json" ? informers::WireFormat::kJson : informers::WireFormat::kProtobuf;
  auto lw = informers::RestListerWatcher<Pod>::Create(s->client, lw_options);
  if (!lw.ok()) Fail(lw.status().ToString());
  s->lister_watcher = *std::move(lw);
  informers::SharedInformerOptions<Pod> options;
  options.reflector.use_watch_list = o.list_mode == "watchlist";
  options.reflector.page_size = 500;
  auto informer = informers::SharedIndexInformer<Pod>::Create(s->lister_watcher.get(), options);
  if (!informer.ok()) Fail(informer.status().ToString());
  s->informer = *std::move(informer);
  (void)s->informer->SetWatchErrorHandler([](const absl::Status& status) {
    std::fprintf(stderr, "kubecpp_bench: list/watch error: %s\n", status.ToString().c_str());
  });
  informers::EventHandler<Pod> handler;
  handler.on_add = [](const indexers::ObjectPtr<Pod>&, bool) {};
  Synced* raw = s.get();
  const int64_t want = o.events;
  handler.on_update = [raw, want](const indexers::ObjectPtr<Pod>&,
                                  const indexers::ObjectPtr<Pod>&) {
    if (raw->updates.fetch_add(1, std::memory_order_relaxed) + 1 == want) {
      raw->all_updates.Notify();
    }
  };
  handler.on_delete = [](const indexers::ObjectPtr<Pod>&) {};
  auto registration = s->informer->AddEventHandler(std::move(handler));
  if (!registration.ok()) Fail(registration.status().ToString());
  s->registration = *registration;

  const Clock::time_point start = Clock::now();
  s->informer->Run();
  if (!s->informer->WaitForCacheSync(absl::Now() + absl::Minutes(10))) {
    Fail("no sync within 10 minutes");
  }
  s->wall = Clock::now() - start;
  const size_t got = s->informer->GetIndexer().Size();
  if (static_cast<int64_t>(got) != o.n) {
    Fail(absl::StrCat("synced ", got, " pods, expected --n=", o.n, " (does the server serve -n ",
                      o.n, "?)"));
  }
  return s;
}

// Release is POST /bench/release: the server then streams the watch events it held back.
void Release(const Synced& s) {
  absl::StatusOr<rest::Result> r = s.client->Post().AbsPath("/bench/release").Do();
  if (!r.ok()) Fail(absl::StrCat("POST /bench/release: ", r.status().ToString()));
}

// sync: (a) initial sync of N pods: wall time until HasSynced, peak RSS (VmHWM right after
// sync), steady heap and RSS per cached pod ((after - before) / N; RSS after malloc_trim, the
// counterpart of Go's FreeOSMemory); (b) then --events MODIFIED events through the informer to
// the one handler: events / (time from the release to the handler's events-th update).
void RunSync(const Options& o) {
  const Params params = Params().Int("n", o.n).Str("wire", o.wire).Str("list_mode", o.list_mode);
  malloc_trim(0);
  const int64_t heap_before = HeapInUse();
  const int64_t rss_before = ReadProcStatus().rss;

  std::unique_ptr<Synced> s = StartAndSync(o);

  const int64_t heap_after = HeapInUse();
  const int64_t hwm = ReadProcStatus().hwm;
  malloc_trim(0);
  const int64_t rss_after = ReadProcStatus().rss;
  const double n = static_cast<double>(o.n);
  Emit("sync", "wall_time", params,
       static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(s->wall).count()) /
           1000,
       "ms", "lower");
  Emit("sync", "peak_rss", params, static_cast<double>(hwm) / (1 << 20), "MiB", "lower");
  Emit("sync", "heap_per_pod", params, static_cast<double>(heap_after - heap_before) / n, "bytes",
       "lower");
  Emit("sync", "rss_per_pod", params, static_cast<double>(rss_after - rss_before) / n, "bytes",
       "lower");

  if (o.events > 0) {
    const Clock::time_point start = Clock::now();
    Release(*s);
    if (!s->all_updates.WaitForNotificationWithTimeout(absl::Minutes(10))) {
      Fail(absl::StrCat("saw ", s->updates.load(), " of ", o.events, " updates within 10 minutes"));
    }
    const double elapsed = Seconds(Clock::now() - start);
    Emit("watch", "events_per_sec",
         Params()
             .Int("n", o.n)
             .Int("events", o.events)
             .Str("wire", o.wire)
             .Str("list_mode", o.list_mode),
         static_cast<double>(o.events) / elapsed, "events/s", "higher");
  }
}

// ---- Memory breakdown (kubecpp only; docs/benchmarks.md, "Memory per pod, piece by piece") ----

// ObjectFootprint is what one cached object is made of, read through reflection.
struct ObjectFootprint {
  int64_t messages = 0;       // message objects (map entries excluded)
  int64_t message_bytes = 0;  // their generated classes' sizes
  int64_t strings = 0;        // set string fields and elements (map keys and values included)
  int64_t long_strings = 0;   // of which longer than the small-string buffer (text on the heap)
  int64_t long_text = 0;      // their text, with the terminating NUL
};

void AddString(const std::string& text, ObjectFootprint& f) {
  ++f.strings;
  if (text.size() >= sizeof(std::string) / 2) {  // libstdc++'s SSO holds 15 characters
    ++f.long_strings;
    f.long_text += static_cast<int64_t>(text.size()) + 1;
  }
}

void Walk(const google::protobuf::Message& m, ObjectFootprint& f) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  if (!d->options().map_entry()) {
    ++f.messages;
    f.message_bytes +=
        static_cast<int64_t>(r->GetMessageFactory()->GetPrototype(d)->SpaceUsedLong());
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    const bool is_message = field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    const bool is_string = field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING;
    if (field->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, field); ++k) {
        if (is_message) Walk(r->GetRepeatedMessage(m, field, k), f);
        if (is_string) AddString(r->GetRepeatedString(m, field, k), f);
      }
    } else if (r->HasField(m, field)) {
      if (is_message) Walk(r->GetMessage(m, field), f);
      if (is_string) AddString(r->GetString(m, field), f);
    }
  }
}

// pod_memory: syncs like `sync`, then reads every cached pod: its encoded size, its arena's used
// and allocated bytes (the first block and any overflow), its messages and strings; all per pod.
// heap_per_pod is the sync's figure; the rest of it is the long strings' heap chunks and the
// informer's own structures (entry, hash slot, namespace index).
void RunPodMemory(const Options& o) {
  const Params params = Params().Int("n", o.n).Str("wire", o.wire);
  malloc_trim(0);
  const int64_t heap_before = HeapInUse();
  std::unique_ptr<Synced> s = StartAndSync(o);
  const int64_t heap_after = HeapInUse();
  ObjectFootprint f;
  int64_t wire = 0, arena_used = 0, arena_allocated = 0, no_arena = 0;
  const std::vector<indexers::ObjectPtr<Pod>> pods = s->informer->GetIndexer().List();
  for (const indexers::ObjectPtr<Pod>& pod : pods) {
    // The arena first: reading a map through reflection (Walk) can add to it.
    if (google::protobuf::Arena* arena = pod->GetArena(); arena != nullptr) {
      arena_used += static_cast<int64_t>(arena->SpaceUsed());
      arena_allocated += static_cast<int64_t>(arena->SpaceAllocated());
    } else {
      ++no_arena;
    }
    wire += static_cast<int64_t>(pod->ByteSizeLong());
    Walk(*pod, f);
  }
  if (pods.empty() || no_arena > 0) Fail("expected every cached pod on its own arena");
  const double n = static_cast<double>(pods.size());
  auto emit = [&](const std::string& metric, double total, const std::string& unit) {
    Emit("pod_memory", metric, params, total / n, unit, "lower");
  };
  emit("heap_per_pod", static_cast<double>(heap_after - heap_before), "bytes");
  emit("protobuf_bytes_per_pod", static_cast<double>(wire), "bytes");
  emit("arena_allocated_per_pod", static_cast<double>(arena_allocated), "bytes");
  emit("arena_used_per_pod", static_cast<double>(arena_used), "bytes");
  emit("message_bytes_per_pod", static_cast<double>(f.message_bytes), "bytes");
  emit("messages_per_pod", static_cast<double>(f.messages), "messages");
  emit("strings_per_pod", static_cast<double>(f.strings), "strings");
  emit("long_strings_per_pod", static_cast<double>(f.long_strings), "strings");
  emit("long_string_text_per_pod", static_cast<double>(f.long_text), "bytes");
}

// Percentile of sorted values, nearest rank (the Go harness's percentile).
int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  int64_t k = static_cast<int64_t>(p * static_cast<double>(sorted.size()) + 0.5) - 1;
  k = std::clamp<int64_t>(k, 0, static_cast<int64_t>(sorted.size()) - 1);
  return sorted[k];
}

// store: on a synced store,
//   - get_p50 / get_p99: --lookups GetByKey calls on keys drawn uniformly at random (seeded)
//     from the store's keys, each call timed alone on the monotonic clock, after a warm-up pass
//     of up to 10,000 calls; nearest-rank percentiles, in ns;
//   - byindex: --index-calls ByIndex("namespace", ns) calls on random namespaces, each
//     returning that namespace's pods (shared pointers, no copies); total time / calls, in ns.
void RunStore(const Options& o) {
  std::unique_ptr<Synced> s = StartAndSync(o);
  const indexers::Indexer<Pod>& indexer = s->informer->GetIndexer();
  const std::vector<std::string> keys = indexer.ListKeys();
  absl::flat_hash_set<std::string> ns_set;
  for (const std::string& k : keys) ns_set.insert(k.substr(0, k.find('/')));
  const std::vector<std::string> namespaces(ns_set.begin(), ns_set.end());
  std::mt19937_64 rng(o.seed);
  auto pick = [&rng](size_t size) {
    return static_cast<size_t>(std::uniform_int_distribution<uint64_t>(0, size - 1)(rng));
  };
  const Params params =
      Params().Int("n", o.n).Int("namespaces", static_cast<int64_t>(namespaces.size()));

  // Views of the keys, like the Go side's []string of headers: one step to the key's bytes.
  std::vector<absl::string_view> lookups(o.lookups);
  for (auto& k : lookups) k = keys[pick(keys.size())];
  int64_t found = 0;
  const size_t warmup = std::min<size_t>(lookups.size(), 10000);
  for (size_t i = 0; i < warmup; ++i) found += indexer.GetByKey(lookups[i]) != nullptr;
  std::vector<int64_t> latency(lookups.size());
  for (size_t i = 0; i < lookups.size(); ++i) {
    const Clock::time_point t0 = Clock::now();
    indexers::ObjectPtr<Pod> pod = indexer.GetByKey(lookups[i]);
    latency[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    found += pod != nullptr;
  }
  if (found != static_cast<int64_t>(lookups.size() + warmup)) Fail("some keys were not found");
  std::sort(latency.begin(), latency.end());
  Emit("store", "get_p50", params, static_cast<double>(Percentile(latency, 0.50)), "ns", "lower");
  Emit("store", "get_p99", params, static_cast<double>(Percentile(latency, 0.99)), "ns", "lower");

  std::vector<const std::string*> picks(o.index_calls);
  for (auto& ns : picks) ns = &namespaces[pick(namespaces.size())];
  int64_t total = 0;
  const Clock::time_point t0 = Clock::now();
  for (const std::string* ns : picks) {
    absl::StatusOr<std::vector<indexers::ObjectPtr<Pod>>> items =
        indexer.ByIndex(indexers::kNamespaceIndex, *ns);
    if (!items.ok()) Fail(items.status().ToString());
    total += static_cast<int64_t>(items->size());
  }
  const double elapsed_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  Emit("store", "byindex",
       Params(params).Int("per_namespace",
                          total / std::max<int64_t>(static_cast<int64_t>(picks.size()), 1)),
       elapsed_ns / static_cast<double>(std::max<size_t>(picks.size(), 1)), "ns/call", "lower");
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
  } else if (o.workload == "pod_memory") {
    RunPodMemory(o);
  } else {
    Fail(absl::StrCat("unknown --workload '", o.workload,
                      "' (sync, store, pod_memory, wq_add_get_done, wq_worker_pool)"));
  }
  return 0;
}

}  // namespace
}  // namespace kube::bench

int main(int argc, char** argv) { return kube::bench::Main(argc, argv); }
