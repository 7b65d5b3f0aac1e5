// Implementation of kube::workqueue::DelayingQueue. Not part of the API: include
// workqueue/delaying_queue.h.
#ifndef KUBECPP_WORKQUEUE_INTERNAL_DELAYING_QUEUE_IMPL_H_
#define KUBECPP_WORKQUEUE_INTERNAL_DELAYING_QUEUE_IMPL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/sync.h"
#include "workqueue/delaying_queue.h"
#include "workqueue/internal/queue_impl.h"
#include "workqueue/metrics.h"
#include "workqueue/queue_options.h"

namespace kube::workqueue::internal {

// DelayingQueueImpl keeps waiting items in an indexed min-heap of ready times: entries_ maps
// each waiting item to its heap slot, so re-adding an item finds and moves its one entry instead
// of adding a second timer. A single thread sleeps on the clock until the earliest ready time,
// moves everything due into the wrapped QueueImpl, and sleeps again; AddAfter wakes it only
// when it changes the earliest time.
template <typename T>
class DelayingQueueImpl final : public DelayingQueue<T> {
 public:
  DelayingQueueImpl(const QueueOptions& options, std::shared_ptr<QueueMetrics> metrics)
      : clock_(options.clock != nullptr ? *options.clock : Clock::Real()),
        metrics_(metrics),
        queue_(options, std::move(metrics)) {
    waiting_thread_ = std::thread([this] { WaitingLoop(); });
  }
  explicit DelayingQueueImpl(const QueueOptions& options)
      : DelayingQueueImpl(options, MakeQueueMetrics(options)) {}

  DelayingQueueImpl(const DelayingQueueImpl&) = delete;
  DelayingQueueImpl& operator=(const DelayingQueueImpl&) = delete;

  ~DelayingQueueImpl() override { ShutDown(); }

  void Add(const T& item) override { queue_.Add(item); }
  size_t Len() const override { return queue_.Len(); }
  std::optional<T> Get() override { return queue_.Get(); }
  void Done(const T& item) override { queue_.Done(item); }
  bool ShuttingDown() const override { return queue_.ShuttingDown(); }

  void ShutDown() override {
    queue_.ShutDown();
    StopWaiting();
  }

  void ShutDownWithDrain() override {
    // Waiting items would be dropped by the shut-down queue anyway: stop the thread first, so
    // nothing lands in the queue while it drains.
    StopWaiting();
    queue_.ShutDownWithDrain();
  }

  void AddAfter(const T& item, absl::Duration delay) override {
    if (queue_.ShuttingDown()) return;
    if (metrics_ != nullptr) metrics_->IncRetries();
    if (delay <= absl::ZeroDuration()) {
      queue_.Add(item);
      return;
    }
    const absl::Time ready = clock_.Now() + delay;
    MutexLock lock(&mu_);
    if (stopped_) return;
    auto [it, inserted] = entries_.try_emplace(item);
    Entry& entry = it->second;
    if (inserted) {
      entry.key = &it->first;
      entry.ready = ready;
      entry.seq = next_seq_++;
      entry.heap_index = heap_.size();
      heap_.push_back(&entry);
    } else if (ready < entry.ready) {
      entry.ready = ready;  // keep the earlier time
    } else {
      return;  // already waiting for an earlier (or the same) time
    }
    SiftUp(entry.heap_index);
    if (heap_.front() == &entry) ++earliest_changes_;  // wakes the waiting thread
  }

  // NumWaiting is the number of items waiting for their ready time (for tests).
  size_t NumWaiting() const {
    MutexLock lock(&mu_);
    return heap_.size();
  }

  const QueueImpl<T>& queue_for_testing() const { return queue_; }

 private:
  struct Entry {
    const T* key = nullptr;  // the key of this node in entries_ (node_hash_map keeps it stable)
    absl::Time ready;
    uint64_t seq = 0;  // insertion order: ties in `ready` leave in the order they came
    size_t heap_index = 0;
  };

  static bool Before(const Entry* a, const Entry* b) {
    return a->ready < b->ready || (a->ready == b->ready && a->seq < b->seq);
  }

  void Place(size_t i, Entry* e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    heap_[i] = e;
    e->heap_index = i;
  }

  void SiftUp(size_t i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Entry* e = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / 2;
      if (!Before(e, heap_[parent])) break;
      Place(i, heap_[parent]);
      i = parent;
    }
    Place(i, e);
  }

  void SiftDown(size_t i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Entry* e = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
      if (!Before(heap_[child], e)) break;
      Place(i, heap_[child]);
      i = child;
    }
    Place(i, e);
  }

  // PopEarliest removes the earliest entry and returns its item.
  T PopEarliest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Entry* top = heap_.front();
    T item = *top->key;
    Entry* last = heap_.back();
    heap_.pop_back();
    if (last != top) {
      Place(0, last);
      SiftDown(0);
    }
    entries_.erase(item);
    return item;
  }

  void WaitingLoop() {
    MutexLock lock(&mu_);
    while (!stopped_) {
      const absl::Time now = clock_.Now();
      // Adding under mu_ (lock order: mu_, then the queue's) means an item is always either
      // waiting here or in the queue, never in between.
      while (!heap_.empty() && heap_.front()->ready <= now) queue_.Add(PopEarliest());
      const absl::Time deadline = heap_.empty() ? absl::InfiniteFuture() : heap_.front()->ready;
      const uint64_t seen = earliest_changes_;
      auto woken = [this, seen]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return stopped_ || earliest_changes_ != seen;
      };
      clock_.AwaitWithDeadline(mu_, absl::Condition(&woken), deadline);
    }
  }

  void StopWaiting() {
    {
      MutexLock lock(&mu_);
      stopped_ = true;
      heap_.clear();
      entries_.clear();
    }
    MutexLock lock(&join_mu_);
    if (waiting_thread_.joinable()) waiting_thread_.join();
  }

  Clock& clock_;
  const std::shared_ptr<QueueMetrics> metrics_;
  QueueImpl<T> queue_;

  mutable absl::Mutex mu_;
  absl::node_hash_map<T, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<Entry*> heap_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  // Bumped whenever the earliest ready time moves earlier; the waiting thread re-arms on it.
  uint64_t earliest_changes_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex join_mu_;  // serializes joins of waiting_thread_ (ShutDown may race the destructor)
  std::thread waiting_thread_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace kube::workqueue::internal

namespace kube::workqueue {

template <typename T>
std::unique_ptr<DelayingQueue<T>> NewDelayingQueue(const QueueOptions& options) {
  return std::make_unique<internal::DelayingQueueImpl<T>>(options);
}

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_INTERNAL_DELAYING_QUEUE_IMPL_H_
