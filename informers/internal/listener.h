// kube::informers::internal::Listener<T> — one handler registration's bounded buffer and dispatch
// thread (client-go's processorListener, bounded).
//
// Policy: Push blocks while the buffer is full (back-pressure on the informer's producer), is
// counted in HandlerStats, never drops, never grows past `buffer_capacity`. The late-join replay
// is held apart as a snapshot vector (one pointer per cached object, bounded by the cache size),
// delivered before any buffered event, so adding a handler never blocks. The references a
// delivered notification held are dropped on the producer's thread at its next Push (or by the
// dispatch thread after a quiet second), so the thread that decoded an object also frees it.
//
// Thread-safety: Push/SetSnapshot/MarkSyncTarget are called with the informer's dispatch lock
// held; the dispatch thread only takes this listener's own mutex.
#ifndef KUBECPP_INFORMERS_INTERNAL_LISTENER_H_
#define KUBECPP_INFORMERS_INTERNAL_LISTENER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/sync.h"
#include "informers/event_handler.h"

namespace kube::informers::internal {

template <typename T>
class Listener final : public HandlerRegistration {
 public:
  // How long the dispatch thread waits for an event before dropping finished references itself
  // (done_). Real time, not the injected clock: it decides only which thread frees memory.
  static constexpr absl::Duration kDefaultIdleRelease = absl::Seconds(1);

  enum class Kind { kAdd, kUpdate, kDelete };
  struct Notification {
    Kind kind;
    indexers::ObjectPtr<T> object;
    indexers::ObjectPtr<T> old_object;
    bool initial = false;
    absl::Time queued_at = absl::InfinitePast();  // set by Push: for the lag metric
  };

  Listener(EventHandler<T> handler, HandlerOptions options, Clock* clock,
           absl::Duration idle_release = kDefaultIdleRelease)
      : handler_(std::move(handler)),
        options_(options),
        clock_(clock),
        idle_release_(idle_release) {
    if (options_.buffer_capacity == 0) options_.buffer_capacity = 1;
    if (options_.resync_period > absl::ZeroDuration() &&
        options_.resync_period < absl::Seconds(1)) {
      options_.resync_period = absl::Seconds(1);
    }
  }
  ~Listener() override {
    Stop();
    Join();
    MutexLock l(&join_mu_);
    if (thread_.joinable()) thread_.detach();  // destroyed by its own thread: already exiting
  }

  void Start() {
    MutexLock l(&join_mu_);
    thread_ = std::thread([this] { Loop(); });
    dispatch_id_ = thread_.get_id();
  }

  // Push queues `n`, waiting while the buffer is full. False when the listener is stopped.
  // It also drops the references the dispatch thread has finished with (see done_).
  bool Push(Notification n) {
    std::vector<indexers::ObjectPtr<T>> finished;  // declared first: dropped after the unlock
    MutexLock l(&mu_);
    finished.swap(done_);
    auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopped_ || queue_.size() < options_.buffer_capacity;
    };
    if (!has_room()) {
      ++stats_.producer_waits;
      absl::Time start = clock_->Now();
      AwaitCondition(mu_, absl::Condition(&has_room));
      stats_.producer_wait_time += clock_->Now() - start;
    }
    if (stopped_) return false;
    n.queued_at = clock_->Now();
    queue_.push_back(std::move(n));
    ++pushed_;
    stats_.buffer_depth = queue_.size();
    stats_.max_buffer_depth = std::max(stats_.max_buffer_depth, queue_.size());
    return true;
  }

  // SetSnapshot gives a handler added late the cache content, delivered first as initial adds.
  void SetSnapshot(std::vector<indexers::ObjectPtr<T>> snapshot) {
    MutexLock l(&mu_);
    pushed_ += static_cast<int64_t>(snapshot.size());
    snapshot_ = std::move(snapshot);
  }

  // MarkSyncTarget records that everything pushed so far is the initial state.
  void MarkSyncTarget() {
    MutexLock l(&mu_);
    if (!sync_target_.has_value()) sync_target_ = pushed_;
  }

  void Stop() {
    MutexLock l(&mu_);
    stopped_ = true;
  }
  // Join waits for the dispatch thread to exit (after Stop). A no-op from the dispatch thread
  // itself (a handler removing itself) and on later calls; safe from several threads.
  //
  // join_mu_ is not held while joining: the callback being waited for may itself call
  // OnDispatchThread (a handler removing itself while Shutdown joins it), which would otherwise
  // deadlock. A second concurrent caller waits for the first to finish joining.
  void Join() {
    std::thread t;
    {
      MutexLock l(&join_mu_);
      if (dispatch_id_ == std::this_thread::get_id()) return;
      if (!thread_.joinable()) {
        auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(join_mu_) { return !joining_; };
        AwaitCondition(join_mu_, absl::Condition(&done));
        return;
      }
      t = std::move(thread_);
      joining_ = true;
    }
    t.join();
    MutexLock l(&join_mu_);
    joining_ = false;
  }

  // OnDispatchThread: the caller is this listener's dispatch thread (inside its callback).
  bool OnDispatchThread() {
    MutexLock l(&join_mu_);
    return dispatch_id_ == std::this_thread::get_id();
  }

  absl::Duration resync_period() const { return options_.resync_period; }

  bool HasSynced() const override {
    MutexLock l(&mu_);
    return sync_target_.has_value() && delivered_ >= *sync_target_;
  }
  HandlerStats Stats() const override {
    MutexLock l(&mu_);
    HandlerStats s = stats_;
    s.delivered = delivered_;
    if (!queue_.empty()) s.oldest_queued_age = clock_->Now() - queue_.front().queued_at;
    return s;
  }

 private:
  void Loop() {
    while (true) {
      Notification n;
      std::vector<indexers::ObjectPtr<T>> finished;  // declared first: dropped after the unlock
      {
        MutexLock l(&mu_);
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopped_ || snapshot_pos_ < snapshot_.size() || !queue_.empty();
        };
        if (done_.empty()) {
          AwaitCondition(mu_, absl::Condition(&ready));
        } else if (!AwaitConditionWithDeadline(mu_, absl::Condition(&ready),
                                               absl::Now() + idle_release_)) {
          // No event for a while: the producer is idle, so nothing contends; drop them here
          // rather than keep deleted objects alive until the next event.
          finished.swap(done_);
          continue;
        }
        if (stopped_) return;
        if (snapshot_pos_ < snapshot_.size()) {
          n = {Kind::kAdd, std::move(snapshot_[snapshot_pos_++]), nullptr, true};
          if (snapshot_pos_ == snapshot_.size()) {
            snapshot_.clear();
            snapshot_.shrink_to_fit();
            snapshot_pos_ = 0;
          }
        } else {
          n = std::move(queue_.front());
          queue_.pop_front();
          stats_.buffer_depth = queue_.size();
        }
      }
      Deliver(n);
      MutexLock l(&mu_);
      ++delivered_;
      if (n.object != nullptr) done_.push_back(std::move(n.object));
      if (n.old_object != nullptr) done_.push_back(std::move(n.old_object));
    }
  }

  void Deliver(const Notification& n) {
    switch (n.kind) {
      case Kind::kAdd:
        if (handler_.on_add) handler_.on_add(n.object, n.initial);
        break;
      case Kind::kUpdate:
        if (handler_.on_update) handler_.on_update(n.old_object, n.object);
        break;
      case Kind::kDelete:
        if (handler_.on_delete) handler_.on_delete(n.object);
        break;
    }
  }

  const EventHandler<T> handler_;
  HandlerOptions options_;
  Clock* const clock_;
  const absl::Duration idle_release_;
  absl::Mutex join_mu_;
  std::thread thread_ ABSL_GUARDED_BY(join_mu_);
  std::thread::id dispatch_id_ ABSL_GUARDED_BY(join_mu_);  // kept after the thread is joined
  bool joining_ ABSL_GUARDED_BY(join_mu_) = false;

  mutable absl::Mutex mu_;
  std::deque<Notification> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<indexers::ObjectPtr<T>> snapshot_ ABSL_GUARDED_BY(mu_);
  // done_ holds the references of delivered notifications, dropped by the next Push (on the
  // producer's thread) or, when no event comes for idle_release_, by the dispatch thread. Why:
  // when a handler's reference is the last one (an update's old object, a deleted object), its
  // ~200 heap blocks would otherwise be freed on this thread while the producer decodes the
  // next objects; glibc malloc then makes both threads fight over the producer's arena lock
  // (futex waits and wake-ups were 17% of a protobuf watch burst; deferring raised events/s
  // from 19k to 27k, docs/benchmarks.md). At most two references per delivered notification
  // wait here, so it is bounded by the buffer.
  std::vector<indexers::ObjectPtr<T>> done_ ABSL_GUARDED_BY(mu_);
  size_t snapshot_pos_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  int64_t pushed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<int64_t> sync_target_ ABSL_GUARDED_BY(mu_);
  HandlerStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::informers::internal

#endif  // KUBECPP_INFORMERS_INTERNAL_LISTENER_H_
