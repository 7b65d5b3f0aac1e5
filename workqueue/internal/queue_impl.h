// Implementation of kube::workqueue::Queue. Not part of the API: include workqueue/queue.h.
#ifndef KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_
#define KUBECPP_WORKQUEUE_INTERNAL_QUEUE_IMPL_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
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
//   entries_     one Entry per item that is dirty (pending: in queue_, or re-added while
//                processing), processing (handed out by Get and not yet Done), or both, with the
//                time it became pending (for the latency metric) and the time Get returned it;
//   queue_       pending entries in FIFO order, each at most once, none of them processing;
//   spare_       entries no longer in use, kept for reuse;
//   processing_count_  how many entries are processing.
// An entry both dirty and processing is pushed to queue_ by Done. client-go keeps two sets
// (dirty, processing); one set of entries with two flags hashes the item once per Add, Get and
// Done instead of twice, which is a quarter of a cycle's CPU.
//
// Why entries are recycled: the item is stored once (the FIFO holds entry pointers, not a second
// copy), and Done returns the entry to spare_ instead of freeing it, so a steady Add/Get/Done
// flow reuses the entries and the strings' capacity: no malloc or free inside the lock, and none
// of the producer's allocations freed by a worker thread (a cross-thread free takes the glibc
// arena lock the producer is allocating under; docs/benchmarks.md, "Findings").
//
// Why the inbox: when an Add finds mu_ held (a worker is in Get or Done), it does not wait for
// it. It pushes a whole new entry onto inbox_, a lock-free stack, and the next holder of mu_
// (any Add, Get, Done, Len or ShutDown) applies the pushed adds oldest first before anything
// else, exactly as they would have been applied under the lock. A producer thus never sleeps
// on a lock its workers hold, which in the one-worker benchmark was half the context switches
// and a third of the time (docs/benchmarks.md, "Findings"). Nothing is observable: every
// operation that could see the queue's state takes mu_ and drains the inbox first, so an Add
// that returned is seen by any later operation of the same thread and ordered FIFO with the
// adds made under the lock. A worker going to sleep in Get registers in blocked_in_get_ and
// looks at the inbox once more; an Add through the inbox looks at blocked_in_get_ after its
// push (both seq_cst), so one of them sees the other and the item reaches a worker. The
// hand-over costs one allocation per add, which is why it is taken only when mu_ is busy.
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
    // Adds that raced ShutDown into the inbox after its last drain.
    for (Entry* node = inbox_.exchange(nullptr, std::memory_order_acquire); node != nullptr;) {
      std::unique_ptr<Entry> owned(node);
      node = node->next_in_inbox;
    }
  }

  void Add(const T& item) override {
    const size_t hash = HashOf(item);  // outside the lock: shorter critical sections
    std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
    if (lock.owns_lock()) {
      DrainInbox();  // adds handed over earlier come first
      if (shutting_down_) return;
      Entry* entry = FindOrCreate(item, hash);
      MarkDirty(entry, Stamp());
      return;
    }
    // mu_ is busy: hand the add over instead of waiting for it (see "Why the inbox" above).
    if (shut_down_.load(std::memory_order_acquire)) return;
    auto node = std::make_unique<Entry>(item);
    node->hash = hash;
    node->dirty_since = Stamp();
    Entry* pushed = node.release();
    pushed->next_in_inbox = inbox_.load(std::memory_order_relaxed);
    while (!inbox_.compare_exchange_weak(pushed->next_in_inbox, pushed, std::memory_order_seq_cst,
                                         std::memory_order_relaxed)) {
    }
    // A worker that went to sleep after its last look at the inbox needs a wake-up, which only
    // a holder of mu_ can give. Paired with the seq_cst increment and inbox read in Get: either
    // that worker saw this node, or this load sees the worker.
    if (blocked_in_get_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> wake_lock(mu_);
      DrainInbox();
    }
  }

  size_t Len() const override {
    std::lock_guard<std::mutex> lock(mu_);
    const_cast<QueueImpl*>(this)->DrainInbox();  // the inbox is part of the queue's state
    return queue_.size();
  }

  std::optional<T> Get() override {
    std::unique_lock<std::mutex> lock(mu_);
    DrainInbox();
    if (!HasItemOrShuttingDown() && !spinning_) {
      SpinForItem(lock);
      DrainInbox();
    }
    if (!HasItemOrShuttingDown()) {
      blocked_in_get_.fetch_add(1, std::memory_order_seq_cst);
      if (testing_waiters_ > 0) state_cv_.notify_all();
      for (DrainInbox(); !HasItemOrShuttingDown(); DrainInbox()) {
        item_cv_.wait(lock);
        if (wakes_in_flight_ > 0) --wakes_in_flight_;
      }
      blocked_in_get_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (queue_.empty()) return std::nullopt;  // shutting down and drained
    Entry* entry = queue_.front();
    queue_.pop_front();
    // More work is queued: let a sleeping worker take it (the adds that queued it may have found
    // a spinning worker, which takes only one item).
    if (!queue_.empty()) WakeOneGetter();
    const absl::Time now = Stamp();
    if (metrics_ != nullptr) {
      metrics_->DecDepth();
      metrics_->ObserveQueueLatency(now - entry->dirty_since);
    }
    entry->dirty = false;
    entry->processing = true;
    entry->processing_since = now;
    ++processing_count_;
    return entry->item;
  }

  void Done(const T& item) override {
    const size_t hash = HashOf(item);
    std::unique_ptr<Entry> unused;  // declared before the lock: freed after it is released
    std::lock_guard<std::mutex> lock(mu_);
    DrainInbox();  // an Add of `item` that came before this Done re-queues it
    auto it = entries_.find(item, hash);
    if (it == entries_.end() || !(*it)->processing) return;
    Entry* entry = it->get();
    if (metrics_ != nullptr) metrics_->ObserveWorkDuration(Stamp() - entry->processing_since);
    --processing_count_;
    entry->processing = false;
    if (entry->dirty) {
      queue_.push_back(entry);
      WakeOneGetter();
    } else {
      unused = Recycle(std::move(entries_.extract(it).value()));
    }
    if (blocked_in_drain_ > 0 && processing_count_ == 0) state_cv_.notify_all();
  }

  void ShutDown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      DrainInbox();
      shutting_down_ = true;
      shut_down_.store(true, std::memory_order_release);
      drain_ = false;
      spin_signal_.store(true, std::memory_order_release);
      item_cv_.notify_all();
      state_cv_.notify_all();
    }
    StopTicker();
  }

  void ShutDownWithDrain() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      DrainInbox();
      shutting_down_ = true;
      shut_down_.store(true, std::memory_order_release);
      drain_ = true;
      spin_signal_.store(true, std::memory_order_release);
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
    for (const std::unique_ptr<Entry>& entry : entries_) {
      if (!entry->processing) continue;
      const absl::Time started = entry->processing_since;
      const absl::Duration age = now - started;
      total_seconds += absl::ToDoubleSeconds(age);
      longest = std::max(longest, age);
    }
    metrics_->SetUnfinishedWorkSeconds(total_seconds);
    metrics_->SetLongestRunningProcessorSeconds(absl::ToDoubleSeconds(longest));
  }

  // RunLockedForTesting calls `fn` while holding mu_, so that a test can make Adds from other
  // threads take the inbox path.
  template <typename Fn>
  void RunLockedForTesting(Fn fn) {
    std::lock_guard<std::mutex> lock(mu_);
    fn();
  }

  // InboxEmptyForTesting says whether no hand-over is waiting to be applied. No lock.
  bool InboxEmptyForTesting() const { return inbox_.load(std::memory_order_acquire) == nullptr; }

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
  struct Entry {
    explicit Entry(const T& item) : item(item) {}
    T item;           // never changes while the entry is in entries_
    size_t hash = 0;  // HashOf(item), so that entries_ never hashes an item under the lock
    Entry* next_in_inbox = nullptr;  // while in inbox_ only
    bool dirty = false;
    bool processing = false;
    absl::Time dirty_since;
    absl::Time processing_since;
  };
  // Hash and equality of entries by their item, transparent so that entries_ is searched by a
  // `const T&` without building an entry. An entry's hash is the one stored in it: inserts and
  // rehashes take it from there, and lookups pass the hash computed before locking.
  static size_t HashOf(const T& item) { return absl::Hash<T>()(item); }
  struct EntryHash {
    using is_transparent = void;
    size_t operator()(const T& item) const { return HashOf(item); }
    size_t operator()(const std::unique_ptr<Entry>& entry) const { return entry->hash; }
  };
  struct EntryEq {
    using is_transparent = void;
    static const T& ItemOf(const T& item) { return item; }
    static const T& ItemOf(const std::unique_ptr<Entry>& entry) { return entry->item; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return ItemOf(a) == ItemOf(b);
    }
  };
  // How many unused entries a queue keeps for reuse. Bounds the memory an emptied queue holds
  // (entries plus their items' capacity) while covering the items in flight of a busy one.
  static constexpr size_t kMaxSpareEntries = 1024;

  // FindOrCreate returns the entry of `item`, making one (a spare if there is one) if needed.
  Entry* FindOrCreate(const T& item, size_t hash) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = entries_.find(item, hash);
    if (it != entries_.end()) return it->get();
    std::unique_ptr<Entry> entry;
    if (!spare_.empty()) {
      entry = std::move(spare_.back());
      spare_.pop_back();
      entry->item = item;  // reuses the capacity of the item it held before
    } else {
      entry = std::make_unique<Entry>(item);
    }
    entry->hash = hash;
    return entries_.insert(std::move(entry)).first->get();
  }

  // MarkDirty makes `entry` pending since `since` unless it is already, and queues it unless it
  // is being processed (Done queues it then, so it never goes to two workers at once).
  void MarkDirty(Entry* entry, absl::Time since) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (entry->dirty) return;  // already pending: merged
    entry->dirty = true;
    entry->dirty_since = since;
    if (metrics_ != nullptr) {
      metrics_->IncAdds();
      metrics_->IncDepth();
    }
    if (entry->processing) return;
    queue_.push_back(entry);
    WakeOneGetter();
  }

  // DrainInbox applies the adds handed over through inbox_, oldest first, as Add would have
  // under mu_. The load is seq_cst for the sleep hand-shake in Get (see Add).
  void DrainInbox() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (inbox_.load(std::memory_order_seq_cst) == nullptr) return;
    Entry* newest_first = inbox_.exchange(nullptr, std::memory_order_acquire);
    Entry* oldest_first = nullptr;
    while (newest_first != nullptr) {
      Entry* next = newest_first->next_in_inbox;
      newest_first->next_in_inbox = oldest_first;
      oldest_first = newest_first;
      newest_first = next;
    }
    while (oldest_first != nullptr) {
      std::unique_ptr<Entry> node(oldest_first);
      oldest_first = node->next_in_inbox;
      node->next_in_inbox = nullptr;
      if (shutting_down_) continue;  // raced ShutDown: dropped, as an Add after it would be
      auto it = entries_.find(node->item, node->hash);
      if (it != entries_.end()) {
        MarkDirty(it->get(), node->dirty_since);
        Recycle(std::move(node));
      } else {
        const absl::Time since = node->dirty_since;
        MarkDirty(entries_.insert(std::move(node)).first->get(), since);
      }
    }
  }

  // Recycle keeps an entry that left entries_ for reuse, or returns it for the caller to free
  // once it has released mu_ when enough are kept.
  std::unique_ptr<Entry> Recycle(std::unique_ptr<Entry> owned) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (spare_.size() >= kMaxSpareEntries) return owned;
    owned->dirty = false;
    owned->processing = false;
    spare_.push_back(std::move(owned));
    return nullptr;
  }

  // SpinForItem lets one worker that found the queue empty poll for a short while, without mu_,
  // before it sleeps. Adds made meanwhile signal it through an atomic instead of a futex wake:
  // handing an item to a sleeping thread costs a system call on the adding thread and a context
  // switch, which dominated the worker-pool benchmark (docs/benchmarks.md, "Findings"). Only one
  // worker spins at a time, and for at most kSpinFor, so an idle queue costs one short spin
  // each time it runs dry (Go's scheduler bounds its spinning threads the same way).
  void SpinForItem(std::unique_lock<std::mutex>& lock) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    spinning_ = true;
    spin_signal_.store(false, std::memory_order_relaxed);
    lock.unlock();
    const auto give_up = std::chrono::steady_clock::now() + kSpinFor;
    for (int round = 0; !spin_signal_.load(std::memory_order_acquire) &&
                        inbox_.load(std::memory_order_relaxed) == nullptr;
         ++round) {
      SpinPause();
      if (round % 64 == 63 && std::chrono::steady_clock::now() >= give_up) break;
    }
    lock.lock();
    spinning_ = false;
    // An add that signalled the spinner woke nobody; if this worker does not find an item now
    // (another worker took it), the caller sleeps and later adds wake it as usual.
  }
  static void SpinPause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  static constexpr std::chrono::microseconds kSpinFor{20};

  // WakeOneGetter wakes a worker blocked in Get for an item just queued, unless every blocked
  // worker has been woken already and not yet run: such a worker takes an item when it runs,
  // and every worker comes back to Get after Done, so no queued item is left without one.
  // Without this, each Add made while a woken worker waits for the CPU or for mu_ woke one
  // more, and with more workers than cores they spent their time in futex calls contending for
  // mu_ (docs/benchmarks.md, "Findings").
  void WakeOneGetter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (spinning_) {
      spin_signal_.store(true, std::memory_order_release);
      return;
    }
    if (blocked_in_get_.load(std::memory_order_relaxed) <= wakes_in_flight_) return;
    ++wakes_in_flight_;
    item_cv_.notify_one();
  }

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
  // queue_ points into entries_; spare_ holds the unused entries.
  absl::flat_hash_set<std::unique_ptr<Entry>, EntryHash, EntryEq> entries_ ABSL_GUARDED_BY(mu_);
  std::deque<Entry*> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Entry>> spare_ ABSL_GUARDED_BY(mu_);
  size_t processing_count_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> shut_down_{false};  // shutting_down_, for Adds that do not take mu_
  // Adds handed over while mu_ was busy, newest first, linked through Entry::next_in_inbox; each
  // node is a whole entry, which becomes the item's entry if it has none.
  std::atomic<Entry*> inbox_{nullptr};
  bool drain_ ABSL_GUARDED_BY(mu_) = false;
  // Workers waiting in Get. Changed under mu_; atomic because an Add through the inbox reads it
  // without mu_.
  std::atomic<int> blocked_in_get_{0};
  int wakes_in_flight_ ABSL_GUARDED_BY(mu_) = 0;   // notify_one calls not yet seen by a waiter
  bool spinning_ ABSL_GUARDED_BY(mu_) = false;     // a worker is in SpinForItem
  std::atomic<bool> spin_signal_{false};           // set to end the spin: an item or shut down
  int blocked_in_drain_ ABSL_GUARDED_BY(mu_) = 0;  // for AwaitBlockedForTesting
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
