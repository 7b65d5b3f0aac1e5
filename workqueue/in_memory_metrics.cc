#include "workqueue/in_memory_metrics.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/sync.h"

namespace kube::workqueue {

std::vector<double> InMemoryMetricsProvider::DefaultBuckets() {
  std::vector<double> bounds;
  double bound = 10e-9;
  for (int i = 0; i < 12; ++i, bound *= 10) bounds.push_back(bound);
  return bounds;
}

class InMemoryMetricsProvider::Metrics final : public QueueMetrics {
 public:
  Metrics() {
    for (HistogramSnapshot* h : {&state_.queue_latency, &state_.work_duration}) {
      h->bounds = DefaultBuckets();
      h->bucket_counts.assign(h->bounds.size(), 0);
    }
  }

  void IncDepth() override {
    MutexLock lock(&mu_);
    ++state_.depth;
  }
  void DecDepth() override {
    MutexLock lock(&mu_);
    --state_.depth;
  }
  void IncAdds() override {
    MutexLock lock(&mu_);
    ++state_.adds;
  }
  void ObserveQueueLatency(absl::Duration latency) override {
    MutexLock lock(&mu_);
    Observe(state_.queue_latency, latency);
  }
  void ObserveWorkDuration(absl::Duration duration) override {
    MutexLock lock(&mu_);
    Observe(state_.work_duration, duration);
  }
  void SetUnfinishedWorkSeconds(double seconds) override {
    MutexLock lock(&mu_);
    state_.unfinished_work_seconds = seconds;
  }
  void SetLongestRunningProcessorSeconds(double seconds) override {
    MutexLock lock(&mu_);
    state_.longest_running_processor_seconds = seconds;
  }
  void IncRetries() override {
    MutexLock lock(&mu_);
    ++state_.retries;
  }

  QueueMetricsSnapshot Snapshot() const {
    MutexLock lock(&mu_);
    return state_;
  }

 private:
  static void Observe(HistogramSnapshot& h, absl::Duration d) {
    const double seconds = absl::ToDoubleSeconds(d);
    ++h.count;
    h.sum_seconds += seconds;
    auto it = std::lower_bound(h.bounds.begin(), h.bounds.end(), seconds);
    if (it != h.bounds.end()) ++h.bucket_counts[it - h.bounds.begin()];
  }

  mutable absl::Mutex mu_;
  QueueMetricsSnapshot state_ ABSL_GUARDED_BY(mu_);
};

std::shared_ptr<QueueMetrics> InMemoryMetricsProvider::NewQueueMetrics(
    absl::string_view queue_name) {
  MutexLock lock(&mu_);
  auto it = queues_.find(queue_name);
  if (it == queues_.end()) {
    it = queues_.emplace(std::string(queue_name), std::make_shared<Metrics>()).first;
  }
  return it->second;
}

std::optional<QueueMetricsSnapshot> InMemoryMetricsProvider::Snapshot(
    absl::string_view name) const {
  std::shared_ptr<Metrics> metrics;
  {
    MutexLock lock(&mu_);
    auto it = queues_.find(name);
    if (it == queues_.end()) return std::nullopt;
    metrics = it->second;
  }
  return metrics->Snapshot();
}

namespace {

// Label values escape backslash, double quote and newline (text format 0.0.4).
std::string EscapeLabel(absl::string_view value) {
  std::string out;
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Number prints the shortest text that reads back as `v`, as Go's Prometheus client does.
std::string Number(double v) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, result.ptr);
}

struct Family {
  const char* name;
  const char* type;
  const char* help;
};

constexpr Family kDepth{"workqueue_depth", "gauge", "Current depth of workqueue"};
constexpr Family kAdds{"workqueue_adds_total", "counter",
                       "Total number of adds handled by workqueue"};
constexpr Family kLatency{"workqueue_queue_duration_seconds", "histogram",
                          "How long in seconds an item stays in workqueue before being requested."};
constexpr Family kWork{"workqueue_work_duration_seconds", "histogram",
                       "How long in seconds processing an item from workqueue takes."};
constexpr Family kUnfinished{
    "workqueue_unfinished_work_seconds", "gauge",
    "How many seconds of work has done that is in progress and hasn't been observed by "
    "work_duration. Large values indicate stuck threads. One can deduce the number of stuck "
    "threads by observing the rate at which this increases."};
constexpr Family kLongest{
    "workqueue_longest_running_processor_seconds", "gauge",
    "How many seconds has the longest running processor for workqueue been running."};
constexpr Family kRetries{"workqueue_retries_total", "counter",
                          "Total number of retries handled by workqueue"};

void Header(std::string& out, const Family& f) {
  absl::StrAppend(&out, "# HELP ", f.name, " ", f.help, "\n# TYPE ", f.name, " ", f.type, "\n");
}

void Histogram(std::string& out, const char* family, const std::string& label,
               const HistogramSnapshot& h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    cumulative += h.bucket_counts[i];
    absl::StrAppend(&out, family, "_bucket{name=\"", label, "\",le=\"", Number(h.bounds[i]), "\"} ",
                    cumulative, "\n");
  }
  absl::StrAppend(&out, family, "_bucket{name=\"", label, "\",le=\"+Inf\"} ", h.count, "\n");
  absl::StrAppend(&out, family, "_sum{name=\"", label, "\"} ", Number(h.sum_seconds), "\n");
  absl::StrAppend(&out, family, "_count{name=\"", label, "\"} ", h.count, "\n");
}

}  // namespace

std::string InMemoryMetricsProvider::PrometheusText() const {
  std::vector<std::pair<std::string, QueueMetricsSnapshot>> snapshots;
  {
    MutexLock lock(&mu_);
    for (const auto& [name, metrics] : queues_) {
      snapshots.emplace_back(EscapeLabel(name), metrics->Snapshot());
    }
  }
  std::string out;
  auto simple = [&](const Family& f, auto value_of) {
    Header(out, f);
    for (const auto& [label, s] : snapshots) {
      absl::StrAppend(&out, f.name, "{name=\"", label, "\"} ", value_of(s), "\n");
    }
  };
  auto histogram = [&](const Family& f, HistogramSnapshot QueueMetricsSnapshot::*member) {
    Header(out, f);
    for (const auto& [label, s] : snapshots) Histogram(out, f.name, label, s.*member);
  };
  simple(kDepth, [](const QueueMetricsSnapshot& s) { return absl::StrCat(s.depth); });
  simple(kAdds, [](const QueueMetricsSnapshot& s) { return absl::StrCat(s.adds); });
  histogram(kLatency, &QueueMetricsSnapshot::queue_latency);
  histogram(kWork, &QueueMetricsSnapshot::work_duration);
  simple(kUnfinished,
         [](const QueueMetricsSnapshot& s) { return Number(s.unfinished_work_seconds); });
  simple(kLongest,
         [](const QueueMetricsSnapshot& s) { return Number(s.longest_running_processor_seconds); });
  simple(kRetries, [](const QueueMetricsSnapshot& s) { return absl::StrCat(s.retries); });
  return out;
}

}  // namespace kube::workqueue
