// Implementation of kube::workqueue::Queue. Not part of the API: include workqueue/queue.h.
#ifndef KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_
#define KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
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
//   queue_       pending items in FIFO order, each at most once, none of them processing;
//   items_       every item that is dirty (pending: in queue_, or re-added while processing),
//                processing (handed out by Get and not yet Done), or both, with the time it
//                became pending (for the latency metric) and the time Get returned it;
//   processing_count_  how many items_ entries are processing.
// An item both dirty and processing is pushed to queue_ by Done. client-go keeps two sets
// (dirty, processing); one map with two flags hashes the item once per Add, Get and Done
// instead of twice, which is a quarter of a cycle's CPU.
//
// Why std::mutex and not absl::Mutex: Debian's Abseil is built with absl::Mutex deadlock
// detection on, and an Add/Get/Done cycle is three lock round trips; with std::mutex and
// condition variables (a notify only when someone waits) the single-thread cycle takes about half
// the CPU (docs/benchmarks.md, "Findings"). TSAN understands std::mutex natively, so the
// base/sync.h annotations are not needed here.
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
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return;
    auto [it, inserted] = items_.try_emplace(item);
    ItemState& state = it->second;
    if (state.dirty) return;  // already pending: merged
    state.dirty = true;
    state.dirty_since = Stamp();
    if (metrics_ != nullptr) {
      metrics_->IncAdds();
      metrics_->IncDepth();
    }
    // Being processed: Done will queue it, so it is never handed to two workers at once.
    if (state.processing) return;
    queue_.push_back(item);
    if (blocked_in_get_ > 0) item_cv_.notify_one();
  }

  size_t Len() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  std::optional<T> Get() override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!HasItemOrShuttingDown()) {
      ++blocked_in_get_;
      if (testing_waiters_ > 0) state_cv_.notify_all();
      item_cv_.wait(lock, [this] { return HasItemOrShuttingDown(); });
      --blocked_in_get_;
    }
    if (queue_.empty()) return std::nullopt;  // shutting down and drained
    std::optional<T> item(std::move(queue_.front()));
    queue_.pop_front();
    const absl::Time now = Stamp();
    ItemState& state = items_.find(*item)->second;
    if (metrics_ != nullptr) {
      metrics_->DecDepth();
      metrics_->ObserveQueueLatency(now - state.dirty_since);
    }
    state.dirty = false;
    state.processing = true;
    state.processing_since = now;
    ++processing_count_;
    return item;
  }

  void Done(const T& item) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = items_.find(item);
    if (it == items_.end() || !it->second.processing) return;
    if (metrics_ != nullptr) metrics_->ObserveWorkDuration(Stamp() - it->second.processing_since);
    --processing_count_;
    if (it->second.dirty) {
      it->second.processing = false;
      queue_.push_back(item);
      if (blocked_in_get_ > 0) item_cv_.notify_one();
    } else {
      items_.erase(it);
    }
    if (blocked_in_drain_ > 0 && processing_count_ == 0) state_cv_.notify_all();
  }

  void ShutDown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutting_down_ = true;
      drain_ = false;
      item_cv_.notify_all();
      state_cv_.notify_all();
    }
    StopTicker();
  }

  void ShutDownWithDrain() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      shutting_down_ = true;
      drain_ = true;
      item_cv_.notify_all();
      ++blocked_in_drain_;
      state_cv_.notify_all();
      state_cv_.wait(lock, [this] { return DrainedOrNotDraining(); });
      --blocked_in_drain_;
    }
    StopTicker();
  }

  bool ShuttingDown() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return shutting_down_;
  }

  // UpdateUnfinishedWorkMetrics recomputes the two in-progress gauges now. The ticker calls it;
  // tests may too.
  void UpdateUnfinishedWorkMetrics() {
    if (metrics_ == nullptr) return;
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = clock_.Now();
    double total_seconds = 0;
    absl::Duration longest = absl::ZeroDuration();
    for (const auto& [item, state] : items_) {
      if (!state.processing) continue;
      const absl::Time started = state.processing_since;
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
    std::unique_lock<std::mutex> lock(mu_);
    ++testing_waiters_;
    const bool ok = state_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      return blocked_in_get_ >= getters && blocked_in_drain_ >= drainers;
    });
    --testing_waiters_;
    return ok;
  }

 private:
  bool HasItemOrShuttingDown() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || shutting_down_;
  }
  bool DrainedOrNotDraining() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return processing_count_ == 0 || !drain_;
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

  mutable std::mutex mu_;
  std::condition_variable item_cv_;           // queue_ became non-empty, or shutting down
  mutable std::condition_variable state_cv_;  // drained, or the blocked_in_* counters changed
  std::deque<T> queue_ ABSL_GUARDED_BY(mu_);
  struct ItemState {
    bool dirty = false;
    bool processing = false;
    absl::Time dirty_since;
    absl::Time processing_since;
  };
  absl::flat_hash_map<T, ItemState> items_ ABSL_GUARDED_BY(mu_);
  size_t processing_count_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_ ABSL_GUARDED_BY(mu_) = false;
  int blocked_in_get_ ABSL_GUARDED_BY(mu_) = 0;           // for AwaitBlockedForTesting
  int blocked_in_drain_ ABSL_GUARDED_BY(mu_) = 0;         // for AwaitBlockedForTesting
  mutable int testing_waiters_ ABSL_GUARDED_BY(mu_) = 0;  // threads in AwaitBlockedForTesting

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
