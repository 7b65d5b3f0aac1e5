// kube::workqueue::QueueOptions — how every work queue (plain, delaying, rate limiting) is set up.
//
// One options struct instead of a constructor per combination (client-go's New,
// NewNamed, NewWithConfig, ...). Zero-initialised, it is an unnamed queue on the real clock
// with no metrics.
#ifndef KUBECPP_WORKQUEUE_QUEUE_OPTIONS_H_
#define KUBECPP_WORKQUEUE_QUEUE_OPTIONS_H_

#include <string>

#include "absl/time/time.h"
#include "base/clock.h"
#include "workqueue/metrics.h"

namespace kube::workqueue {

struct QueueOptions {
  // Name identifies the queue to the metrics provider. Empty: no metrics, as in client-go.
  std::string name;

  // Clock reads time for metrics, delays and rate limits. nullptr: Clock::Real().
  // Not owned; must outlive the queue.
  Clock* clock = nullptr;

  // MetricsProvider receives this queue's metrics when `name` is set. nullptr: no metrics.
  // Not owned; must outlive the queue.
  MetricsProvider* metrics_provider = nullptr;

  // MetricsUpdatePeriod is how often the unfinished-work and longest-running gauges are
  // recomputed, on `clock`, by a small thread that exists only while metrics are on.
  // Zero or less: never (the gauges stay at zero). client-go ticks every 500ms.
  absl::Duration metrics_update_period = absl::Milliseconds(500);
};

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_QUEUE_OPTIONS_H_
