// Implementation of kube::workqueue::Queue. Not part of the API: include workqueue/queue.h.
#ifndef KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_
#define KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/sync.h"
#include "workqueue/metrics.h"
#include "workqueue/queue.h"
#include "workqueue/queue_options.h"

namespace kube::workqueue::internal {

// MakeQueueMetrics returns the metrics a queue with `options` reports into, or nullptr when
// metrics are off (no provider or no name), in which case the queue skips all bookkeeping.
inline std::shared_ptr<QueueMetrics> MakeQueueMetrics(const QueueOptions& options) {
  if (options.metrics_provider == nullptr || options.name.empty()) return nullptr;
  return options.metrics_provider->NewQueueMetrics(options.name);
}

// QueueImpl is the queue proper; DelayingQueueImpl and RateLimitingQueueImpl wrap one.
//
// State, all under mu_:
//   queue_       pending items in FIFO order, each at most once, none of them in processing_;
//   dirty_       every pending item (those in queue_ and those re-added while processing),
//                with the time it became pending (for the latency metric);
//   processing_  items handed out by Get and not yet Done, with the time Get returned them.
// An item in both dirty_ and processing_ is pushed to queue_ by Done.
template <typename T>
class QueueImpl final : public Queue<T> {
 public:
  // `metrics` nullptr: no metrics. The layers above pass the metrics they share with it.
  QueueImpl(const QueueOptions& options, std::shared_ptr<QueueMetrics> metrics)
      : clock_(options.clock != nullptr ? *options.clock : Clock::Real()),
        metrics_(std::move(metrics)) {
    if (metrics_ != nullptr && options.metrics_update_period > absl::ZeroDuration()) {
      ticker_ = std::thread([this, period = options.metrics_update_period] { TickLoop(period); });
    }
  }
  explicit QueueImpl(const QueueOptions& options) : QueueImpl(options, MakeQueueMetrics(options)) {}

  QueueImpl(const QueueImpl&) = delete;
  QueueImpl& operator=(const QueueImpl&) = delete;

  ~QueueImpl() override {
    ShutDown();
    StopTicker();
  }

  void Add(const T& item) override {
    MutexLock lock(&mu_);
    if (shutting_down_) return;
    auto [it, inserted] = dirty_.try_emplace(item, Stamp());
    if (!inserted) return;  // already pending: merged
    if (metrics_ != nullptr) {
      metrics_->IncAdds();
      metrics_->IncDepth();
    }
    // Being processed: Done will queue it, so it is never handed to two workers at once.
    if (processing_.contains(item)) return;
    queue_.push_back(item);
  }

  size_t Len() const override {
    MutexLock lock(&mu_);
    return queue_.size();
  }

  std::optional<T> Get() override {
    MutexLock lock(&mu_);
    ++blocked_in_get_;
    AwaitCondition(mu_, absl::Condition(this, &QueueImpl::HasItemOrShuttingDown));
    --blocked_in_get_;
    if (queue_.empty()) return std::nullopt;  // shutting down and drained
    std::optional<T> item(std::move(queue_.front()));
    queue_.pop_front();
    const absl::Time now = Stamp();
    auto pending = dirty_.find(*item);
    if (metrics_ != nullptr) {
      metrics_->DecDepth();
      metrics_->ObserveQueueLatency(now - pending->second);
    }
    dirty_.erase(pending);
    processing_.emplace(*item, now);
    return item;
  }

  void Done(const T& item) override {
    MutexLock lock(&mu_);
    auto it = processing_.find(item);
    if (it == processing_.end()) return;
    if (metrics_ != nullptr) metrics_->ObserveWorkDuration(Stamp() - it->second);
    processing_.erase(it);
    if (dirty_.contains(item)) queue_.push_back(item);
  }

  void ShutDown() override {
    {
      MutexLock lock(&mu_);
      shutting_down_ = true;
      drain_ = false;
    }
    StopTicker();
  }

  void ShutDownWithDrain() override {
    {
      MutexLock lock(&mu_);
      shutting_down_ = true;
      drain_ = true;
      ++blocked_in_drain_;
      AwaitCondition(mu_, absl::Condition(this, &QueueImpl::DrainedOrNotDraining));
      --blocked_in_drain_;
    }
    StopTicker();
  }

  bool ShuttingDown() const override {
    MutexLock lock(&mu_);
    return shutting_down_;
  }

  // UpdateUnfinishedWorkMetrics recomputes the two in-progress gauges now. The ticker calls it;
  // tests may too.
  void UpdateUnfinishedWorkMetrics() {
    if (metrics_ == nullptr) return;
    MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    double total_seconds = 0;
    absl::Duration longest = absl::ZeroDuration();
    for (const auto& [item, started] : processing_) {
      const absl::Duration age = now - started;
      total_seconds += absl::ToDoubleSeconds(age);
      longest = std::max(longest, age);
    }
    metrics_->SetUnfinishedWorkSeconds(total_seconds);
    metrics_->SetLongestRunningProcessorSeconds(absl::ToDoubleSeconds(longest));
  }

  // AwaitBlockedForTesting blocks until at least `getters` threads wait in Get and `drainers`
  // in ShutDownWithDrain (or `timeout` of real time passes); returns whether they do. Lets a
  // test act on "workers are blocked" without sleeping.
  bool AwaitBlockedForTesting(int getters, int drainers,
                              absl::Duration timeout = absl::Seconds(10)) const {
    MutexLock lock(&mu_);
    auto blocked = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return blocked_in_get_ >= getters && blocked_in_drain_ >= drainers;
    };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&blocked), absl::Now() + timeout);
  }

 private:
  bool HasItemOrShuttingDown() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || shutting_down_;
  }
  bool DrainedOrNotDraining() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return processing_.empty() || !drain_;
  }

  // Stamp is the time recorded with an item; reading the clock is skipped without metrics.
  absl::Time Stamp() const { return metrics_ != nullptr ? clock_.Now() : absl::InfinitePast(); }

  void TickLoop(absl::Duration period) {
    MutexLock lock(&ticker_mu_);
    while (!ticker_stop_) {
      // Next tick counted from now, so a fake clock jumping far ahead yields one tick, not many.
      const absl::Time next = clock_.Now() + period;
      if (clock_.AwaitWithDeadline(ticker_mu_, absl::Condition(&ticker_stop_), next)) break;
      UpdateUnfinishedWorkMetrics();  // lock order: ticker_mu_, then mu_
    }
  }

  void StopTicker() {
    {
      MutexLock lock(&ticker_mu_);
      ticker_stop_ = true;
    }
    MutexLock lock(&join_mu_);
    if (ticker_.joinable()) ticker_.join();
  }

  Clock& clock_;
  const std::shared_ptr<QueueMetrics> metrics_;

  mutable absl::Mutex mu_;
  std::deque<T> queue_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<T, absl::Time> dirty_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<T, absl::Time> processing_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_ ABSL_GUARDED_BY(mu_) = false;
  int blocked_in_get_ ABSL_GUARDED_BY(mu_) = 0;    // for AwaitBlockedForTesting
  int blocked_in_drain_ ABSL_GUARDED_BY(mu_) = 0;  // for AwaitBlockedForTesting

  absl::Mutex ticker_mu_;
  bool ticker_stop_ ABSL_GUARDED_BY(ticker_mu_) = false;
  absl::Mutex join_mu_;  // serializes joins of ticker_ (ShutDown may race the destructor)
  std::thread ticker_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace kube::workqueue::internal

namespace kube::workqueue {

template <typename T>
std::unique_ptr<Queue<T>> NewQueue(const QueueOptions& options) {
  return std::make_unique<internal::QueueImpl<T>>(options);
}

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_
