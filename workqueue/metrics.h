// kube::workqueue metrics — what a queue reports, through an interface and no global registry.
//
// A queue created with a non-empty QueueOptions::name and a MetricsProvider asks the provider
// once for that name's QueueMetrics and reports into it for its whole life. The measurements
// and their meaning are client-go's (k8s.io/client-go/util/workqueue/metrics.go), so existing
// dashboards keep working when a provider exports them under client-go's names (see
// InMemoryMetricsProvider::PrometheusText in //workqueue:in_memory_metrics):
//
//   depth                 items waiting to be handed out (added and not yet returned by Get)
//   adds                  items that became pending (an Add merged into a pending item is not one)
//   queue latency         time from an item becoming pending to Get handing it out
//   work duration         time from Get to Done
//   unfinished work       seconds of work in progress not yet seen by work duration (a tick)
//   longest running       seconds the oldest in-progress item has been processed (a tick)
//   retries               AddAfter calls (so every AddRateLimited), as in client-go
//
// Thread-safety: QueueMetrics methods are called from any thread, often with the queue's lock
// held. Implementations must be thread-safe, cheap and non-blocking, and must never call back
// into the queue. A MetricsProvider must be thread-safe and outlive every queue it served.
#ifndef KUBECPP_WORKQUEUE_METRICS_H_
#define KUBECPP_WORKQUEUE_METRICS_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kube::workqueue {

// QueueMetrics receives the measurements of one named queue.
class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;

  // IncDepth: an item became pending. DecDepth: Get handed a pending item out.
  virtual void IncDepth() = 0;
  virtual void DecDepth() = 0;
  // IncAdds counts an item becoming pending.
  virtual void IncAdds() = 0;
  // ObserveQueueLatency records how long an item was pending before Get returned it.
  virtual void ObserveQueueLatency(absl::Duration latency) = 0;
  // ObserveWorkDuration records how long an item was processed (Get to Done).
  virtual void ObserveWorkDuration(absl::Duration duration) = 0;
  // SetUnfinishedWorkSeconds sets the summed age of every item now being processed.
  virtual void SetUnfinishedWorkSeconds(double seconds) = 0;
  // SetLongestRunningProcessorSeconds sets the age of the oldest item now being processed.
  virtual void SetLongestRunningProcessorSeconds(double seconds) = 0;
  // IncRetries counts an AddAfter (and so every AddRateLimited).
  virtual void IncRetries() = 0;
};

// MetricsProvider creates the metrics of a named queue. A provider decides what two queues with
// the same name share (InMemoryMetricsProvider hands both the same QueueMetrics).
class MetricsProvider {
 public:
  virtual ~MetricsProvider() = default;
  virtual std::shared_ptr<QueueMetrics> NewQueueMetrics(absl::string_view queue_name) = 0;
};

// NoopMetricsProvider returns a process-wide provider whose metrics discard everything.
MetricsProvider& NoopMetricsProvider();

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_METRICS_H_
