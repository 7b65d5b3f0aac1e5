// kube::workqueue::InMemoryMetricsProvider — queue metrics kept in memory, readable as
// snapshots and as Prometheus text.
//
// For tests (assert on what a queue reported) and for programs without a metrics library that
// still want a /metrics page: PrometheusText() renders every queue under client-go's metric
// names (workqueue_depth, workqueue_adds_total, workqueue_queue_duration_seconds, ...) with a
// `name` label, and client-go's histogram buckets (1e-8s to 1000s, x10).
//
// Queues created with the same name share one QueueMetrics (their measurements add up).
//
// Thread-safety: thread-safe; must outlive the queues it serves.
#ifndef KUBECPP_WORKQUEUE_IN_MEMORY_METRICS_H_
#define KUBECPP_WORKQUEUE_IN_MEMORY_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "workqueue/metrics.h"

namespace kube::workqueue {

// HistogramSnapshot is a histogram's state; bucket_counts[i] counts observations <= bounds[i]
// and above bounds[i-1] (not cumulative); observations above the last bound are only in count.
struct HistogramSnapshot {
  uint64_t count = 0;
  double sum_seconds = 0;
  std::vector<double> bounds;
  std::vector<uint64_t> bucket_counts;
};

struct QueueMetricsSnapshot {
  int64_t depth = 0;
  uint64_t adds = 0;
  uint64_t retries = 0;
  HistogramSnapshot queue_latency;
  HistogramSnapshot work_duration;
  double unfinished_work_seconds = 0;
  double longest_running_processor_seconds = 0;
};

class InMemoryMetricsProvider final : public MetricsProvider {
 public:
  // Upper bounds in seconds: client-go's prometheus.ExponentialBuckets(10e-9, 10, 12).
  static std::vector<double> DefaultBuckets();

  InMemoryMetricsProvider() = default;
  InMemoryMetricsProvider(const InMemoryMetricsProvider&) = delete;
  InMemoryMetricsProvider& operator=(const InMemoryMetricsProvider&) = delete;

  std::shared_ptr<QueueMetrics> NewQueueMetrics(absl::string_view queue_name) override;

  // Snapshot returns the metrics of queue `name`, or nullopt if no queue had that name.
  std::optional<QueueMetricsSnapshot> Snapshot(absl::string_view name) const;

  // PrometheusText renders every queue in the Prometheus text exposition format (0.0.4).
  std::string PrometheusText() const;

 private:
  class Metrics;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Metrics>, std::less<>> queues_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_IN_MEMORY_METRICS_H_
