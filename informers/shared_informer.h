// kube::informers::SharedIndexInformer<T> — one reflector feeding one cache (//indexers) and any
// number of event handlers (client-go's sharedIndexInformer).
//
// Where it sits: ListerWatcher -> Reflector -> *informer*: transforms -> Indexer -> per-handler
// bounded buffers -> handler threads. Listers and the cached client read GetIndexer().
//
// Semantics:
//   * Transforms run once per object, on the reflector thread, before the object is stored.
//   * A relist replaces the cache atomically; handlers get deletes for vanished objects first,
//     then adds and updates (updates whose resourceVersion did not change are not delivered).
//   * HasSynced: the cache holds the first full list (set as soon as it is stored, whatever the
//     handlers are doing). Each registration has its own HasSynced: its initial adds have been
//     delivered (run), not just queued. Initial adds reach every handler as a snapshot (one
//     pointer per cached object) delivered before its buffered events, for handlers registered
//     before the sync and late joiners alike, so a slow handler never delays the informer's sync,
//     AddEventHandler or the other handlers' initial adds.
//   * A handler added after start receives the cache as initial adds, then live events, with
//     nothing lost or repeated in between.
//   * Per-handler resync: every `resync_period` the handler gets on_update(o, o) for every
//     cached object; only handlers that asked for it.
//   * Buffer policy: each handler has a bounded buffer (HandlerOptions::buffer_capacity). When it
//     is full, the informer waits for that handler (the reflector stops reading its watch, which
//     the transport turns into TCP back-pressure); the wait is counted in HandlerStats
//     (producer_waits, producer_wait_time). Nothing is dropped and nothing grows without bound.
//     A slow handler therefore delays the other handlers of the *same* informer by at most its
//     buffer's worth of events; other informers are unaffected.
//   * Shutdown stops the reflector and the handler threads (an event being delivered completes;
//     queued ones are discarded) and joins them. Also done by the destructor.
//
// Thread-safety: all public methods are thread-safe. Do not call AddEventHandler from inside a
// handler of the same informer (it can wait for the informer, which may wait for that handler);
// RemoveEventHandler from inside a handler is fine.
#ifndef KUBECPP_INFORMERS_SHARED_INFORMER_H_
#define KUBECPP_INFORMERS_SHARED_INFORMER_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/sync.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "indexers/lister.h"
#include "indexers/object_traits.h"
#include "informers/event_handler.h"
#include "informers/internal/listener.h"
#include "informers/list_watcher.h"
#include "informers/reflector.h"
#include "informers/transform.h"

namespace kube::informers {

struct InformerStats {
  int64_t events_applied = 0;  // watch events stored
  int64_t replaces = 0;        // full lists stored
  size_t objects_cached = 0;
  // Handler lag, aggregated over the registered handlers (each one's own is its HandlerStats):
  size_t handlers = 0;
  size_t handler_buffer_depth = 0;  // events buffered, summed over handlers
  absl::Duration handler_max_oldest_queued_age = absl::ZeroDuration();  // the laggiest handler
  int64_t handler_producer_waits = 0;  // times the informer waited for a full buffer, summed
  ReflectorStats reflector;
};

template <typename T>
struct SharedInformerOptions {
  // reflector: clock, randomness, selectors, paging, backoff. Its clock is the informer's clock.
  ReflectorOptions reflector;
  std::vector<indexers::IndexDefinition<T>> indexers;
  std::vector<Transform<T>> transforms;
};

template <indexers::KubeObject T>
class SharedIndexInformer final : private ReflectorSink<T> {
 public:
  // `lister_watcher` must outlive the informer. Fails on duplicate index names.
  static absl::StatusOr<std::unique_ptr<SharedIndexInformer>> Create(
      ListerWatcher<T>* lister_watcher, SharedInformerOptions<T> options) {
    auto informer = std::unique_ptr<SharedIndexInformer>(
        new SharedIndexInformer(lister_watcher, std::move(options)));
    if (absl::Status s = informer->indexer_.AddIndexers(std::move(informer->options_.indexers));
        !s.ok()) {
      return s;
    }
    return informer;
  }
  ~SharedIndexInformer() override { Shutdown(); }

  // SetWatchErrorHandler: called (on the reflector thread) with every list/watch error.
  // FailedPrecondition after Run.
  absl::Status SetWatchErrorHandler(std::function<void(const absl::Status&)> handler) {
    MutexLock l(&mu_);
    if (started_) return absl::FailedPreconditionError("informer already started");
    options_.reflector.watch_error_handler = std::move(handler);
    return absl::OkStatus();
  }

  // AddEventHandler registers `handler`. FailedPrecondition after Shutdown.
  absl::StatusOr<std::shared_ptr<HandlerRegistration>> AddEventHandler(
      EventHandler<T> handler, HandlerOptions options = {}) {
    auto listener = std::make_shared<internal::Listener<T>>(std::move(handler), options, clock());
    MutexLock d(&dispatch_mu_);
    {
      MutexLock l(&mu_);
      if (shut_down_) return absl::FailedPreconditionError("informer is shut down");
      if (synced_) {
        listener->SetSnapshot(indexer_.List());
        listener->MarkSyncTarget();
      }
      if (listener->resync_period() > absl::ZeroDuration()) {
        next_resync_[listener.get()] = clock()->Now() + listener->resync_period();
      }
      listeners_.push_back(listener);
      ++resync_epoch_;
    }
    listener->Start();
    return std::shared_ptr<HandlerRegistration>(listener);
  }

  // RemoveEventHandler stops delivering to `registration` and returns once a callback in progress
  // has returned (unless called from that very callback). Queued events are discarded. NotFound
  // if it is not registered here.
  absl::Status RemoveEventHandler(const std::shared_ptr<HandlerRegistration>& registration) {
    std::shared_ptr<internal::Listener<T>> found;
    {
      MutexLock l(&mu_);
      for (const auto& listener : listeners_) {
        if (listener.get() == registration.get()) found = listener;
      }
    }
    if (found == nullptr) return absl::NotFoundError("handler not registered");
    found->Stop();  // unblocks a producer waiting on its buffer, so dispatch_mu_ frees up
    {
      MutexLock d(&dispatch_mu_);
      MutexLock l(&mu_);
      auto it = std::find(listeners_.begin(), listeners_.end(), found);
      if (it == listeners_.end()) return absl::NotFoundError("handler not registered");
      listeners_.erase(it);
      next_resync_.erase(found.get());
      ++resync_epoch_;
      // From its own callback it cannot be joined here: Shutdown joins it later.
      if (found->OnDispatchThread()) retired_.push_back(found);
    }
    found->Join();  // outside the locks: the callback in progress may call into the informer
    return absl::OkStatus();
  }

  // Run starts the reflector and resync threads and returns. Idempotent.
  void Run() {
    MutexLock l(&mu_);
    if (started_ || shut_down_) return;
    started_ = true;
    reflector_ = std::make_unique<Reflector<T>>(
        lister_watcher_, static_cast<ReflectorSink<T>*>(this), options_.reflector);
    reflector_thread_ = std::thread([this] { reflector_->Run(); });
    resync_thread_ = std::thread([this] { ResyncLoop(); });
  }

  bool HasSynced() const {
    MutexLock l(&mu_);
    return synced_;
  }

  // WaitForCacheSync blocks until HasSynced or `deadline` on the informer's clock, or Shutdown.
  bool WaitForCacheSync(absl::Time deadline) {
    MutexLock l(&mu_);
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return synced_ || shut_down_; };
    clock()->AwaitWithDeadline(mu_, absl::Condition(&done), deadline);
    return synced_;
  }

  void Shutdown() {
    std::vector<std::shared_ptr<internal::Listener<T>>> listeners;
    {
      MutexLock l(&mu_);
      if (shut_down_) return;
      shut_down_ = true;
      listeners = listeners_;
      for (auto& r : retired_) listeners.push_back(r);
      if (reflector_) reflector_->Stop();
    }
    for (auto& listener : listeners) listener->Stop();
    if (reflector_thread_.joinable()) reflector_thread_.join();
    if (resync_thread_.joinable()) resync_thread_.join();
    for (auto& listener : listeners) listener->Join();
  }

  const indexers::Indexer<T>& GetIndexer() const { return indexer_; }
  indexers::Lister<T> GetLister() const { return indexers::Lister<T>(&indexer_); }

  std::string LastSyncResourceVersion() const {
    MutexLock l(&mu_);
    return reflector_ ? reflector_->LastSyncResourceVersion() : "";
  }

  InformerStats Stats() const {
    MutexLock l(&mu_);
    InformerStats s = stats_;
    s.objects_cached = indexer_.Size();
    if (reflector_) s.reflector = reflector_->Stats();
    s.handlers = listeners_.size();
    for (const auto& listener : listeners_) {
      HandlerStats h = listener->Stats();  // the listener's lock is a leaf: safe under mu_
      s.handler_buffer_depth += h.buffer_depth;
      s.handler_max_oldest_queued_age =
          std::max(s.handler_max_oldest_queued_age, h.oldest_queued_age);
      s.handler_producer_waits += h.producer_waits;
    }
    return s;
  }

 private:
  using Listener = internal::Listener<T>;
  using Kind = typename Listener::Kind;

  SharedIndexInformer(ListerWatcher<T>* lw, SharedInformerOptions<T> options)
      : lister_watcher_(lw), options_(std::move(options)) {}

  Clock* clock() const { return options_.reflector.clock; }

  indexers::ObjectPtr<T> Transformed(indexers::ObjectPtr<T> o) const {
    for (const Transform<T>& t : options_.transforms) o = t.fn(std::move(o));
    return o;
  }

  std::vector<std::shared_ptr<Listener>> Listeners() const {
    MutexLock l(&mu_);
    return listeners_;
  }

  // ReflectorSink (reflector thread).
  void Replace(std::vector<indexers::ObjectPtr<T>> objects, const std::string& rv) override {
    for (auto& o : objects) o = Transformed(std::move(o));
    MutexLock d(&dispatch_mu_);
    std::vector<indexers::Delta<T>> deltas = indexer_.Replace(std::move(objects));
    bool first;
    {
      MutexLock l(&mu_);
      first = !synced_;
      ++stats_.replaces;
      // The informer has synced as soon as the store holds the list; how fast the handlers take
      // their initial adds is theirs to report (each registration's HasSynced).
      synced_ = true;
    }
    std::vector<std::shared_ptr<Listener>> listeners = Listeners();
    if (first) {
      // The store was empty, so every delta is an add. Handlers registered before the sync get
      // them as a snapshot, as a late joiner does: no buffer wait, so a slow handler cannot hold
      // dispatch_mu_ (and with it AddEventHandler and every other handler) for the whole list.
      std::vector<indexers::ObjectPtr<T>> initial;
      initial.reserve(deltas.size());
      for (indexers::Delta<T>& delta : deltas) initial.push_back(delta.object);
      for (auto& listener : listeners) {
        listener->SetSnapshot(initial);
        listener->MarkSyncTarget();
      }
      return;
    }
    for (indexers::Delta<T>& delta : deltas) {
      if (delta.type == indexers::DeltaType::kUpdated &&
          indexers::ObjectTraits<T>::ResourceVersion(*delta.object) ==
              indexers::ObjectTraits<T>::ResourceVersion(*delta.old_object)) {
        continue;  // unchanged by the relist
      }
      Dispatch(listeners, delta);
    }
  }

  void Apply(WatchEventType type, indexers::ObjectPtr<T> object) override {
    object = Transformed(std::move(object));
    MutexLock d(&dispatch_mu_);
    std::optional<indexers::Delta<T>> delta;
    if (type == WatchEventType::kDeleted) {
      delta = indexer_.Delete(indexers::KeyRefOf(*object));
      if (delta.has_value()) delta->object = object;  // the deletion's own last state
    } else {
      delta = indexer_.Upsert(object);
    }
    {
      MutexLock l(&mu_);
      ++stats_.events_applied;
    }
    if (delta.has_value()) Dispatch(Listeners(), *delta);
  }

  void Dispatch(const std::vector<std::shared_ptr<Listener>>& listeners,
                const indexers::Delta<T>& delta) ABSL_EXCLUSIVE_LOCKS_REQUIRED(dispatch_mu_) {
    typename Listener::Notification n;
    switch (delta.type) {
      case indexers::DeltaType::kAdded:
        n = {Kind::kAdd, delta.object, nullptr, false};
        break;
      case indexers::DeltaType::kUpdated:
        n = {Kind::kUpdate, delta.object, delta.old_object, false};
        break;
      case indexers::DeltaType::kDeleted:
        n = {Kind::kDelete, delta.object, nullptr, false};
        break;
    }
    for (const auto& listener : listeners) listener->Push(n);
  }

  void ResyncLoop() {
    while (true) {
      std::vector<std::shared_ptr<Listener>> due;
      {
        MutexLock l(&mu_);
        // Wakes for shutdown, for a change of handlers (a new deadline) or at the next deadline.
        const int64_t epoch = resync_epoch_;
        auto wake = [this, epoch]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return shut_down_ || resync_epoch_ != epoch;
        };
        absl::Time next = absl::InfiniteFuture();
        for (const auto& [listener, at] : next_resync_) next = std::min(next, at);
        clock()->AwaitWithDeadline(mu_, absl::Condition(&wake), next);
        if (shut_down_) return;
        if (resync_epoch_ != epoch) continue;
        if (!synced_) {
          // Not synced yet: push every deadline past now and wait again.
          for (auto& [listener, at] : next_resync_) {
            if (at <= clock()->Now()) at = clock()->Now() + listener->resync_period();
          }
          continue;
        }
        absl::Time now = clock()->Now();
        for (const auto& listener : listeners_) {
          auto it = next_resync_.find(listener.get());
          if (it != next_resync_.end() && it->second <= now) {
            due.push_back(listener);
            it->second = now + listener->resync_period();
          }
        }
      }
      if (due.empty()) continue;
      MutexLock d(&dispatch_mu_);
      for (const indexers::ObjectPtr<T>& o : indexer_.List()) {
        for (const auto& listener : due) listener->Push({Kind::kUpdate, o, o, false});
      }
    }
  }

  ListerWatcher<T>* const lister_watcher_;
  SharedInformerOptions<T> options_;
  indexers::Indexer<T> indexer_;

  // dispatch_mu_ orders "store a change, queue it for every handler" against handler add/remove
  // and resync, so each handler sees exactly the changes after its snapshot.
  absl::Mutex dispatch_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool synced_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::shared_ptr<Listener>> listeners_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Listener>> retired_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<Listener*, absl::Time> next_resync_ ABSL_GUARDED_BY(mu_);
  int64_t resync_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  InformerStats stats_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Reflector<T>> reflector_;  // set once in Run under mu_
  std::thread reflector_thread_;
  std::thread resync_thread_;
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_SHARED_INFORMER_H_
