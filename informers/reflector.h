// kube::informers::Reflector<T> — keeps a ReflectorSink in step with the apiserver by LIST and
// WATCH, as an explicit state machine (client-go's Reflector; kube-runtime's watcher).
//
// Where it sits: ListerWatcher -> *Reflector* -> ReflectorSink (the SharedIndexInformer, which
// stores and dispatches). The reflector owns no cache; it only decides what to ask the server and
// what to tell the sink: "replace everything with this list" or "apply this event".
//
// States and transitions (docs/informers.md has the diagram; PROTOCOL.md the facts):
//
//   kStart       -> kWatchList if streaming lists are enabled, else kList.
//   kWatchList   WATCH sendInitialEvents=true, resourceVersionMatch=NotOlderThan, RV="",
//                bookmarks on. ADDED events collect (RV not advanced: they are synthetic and
//                unordered) until the BOOKMARK annotated k8s.io/initial-events-end, whose RV
//                becomes the sync RV: sink.Replace(collected) and the same stream continues
//                -> kWatching. Any error or anything unexpected -> kList (fallback).
//   kList        paged LIST. RV: "" after a list 410 / too-large RV; "0" before the first sync
//                (client-go); otherwise the last-seen RV, then without paging (the watch cache
//                serves it). Pages of `page_size` (500) when RV is "" or "0".
//                ok -> sink.Replace(items) -> kWatchStart.
//                410 / too-large RV -> kList at RV "" at once (if it already was "", back off).
//                other -> kBackoff -> kStart.
//   kWatchStart  WATCH at the last-seen RV, bookmarks on, timeoutSeconds random in [300, 600].
//                ok -> kWatching. 410 -> kList at the last-seen RV, no paging.
//                429 / connection refused -> kBackoff -> kWatchStart. other -> kBackoff -> kStart.
//   kWatching    ADDED/MODIFIED/DELETED -> sink.Apply, RV advances (not during synthetic ADDEDs
//                of a watch started at "" or "0"); BOOKMARK -> RV advances.
//                ERROR 410 -> kList at the last-seen RV, no paging. Stream ended -> kWatchStart
//                (after a backoff if it ended within 1 s with no event: a "very short watch").
//                429 / connection refused / broken stream -> kBackoff -> kWatchStart.
//                other ERROR -> kBackoff -> kStart.
//   kBackoff     waits (on the injected clock) 800 ms doubling to 30 s, reset after 2 minutes
//                without failure, each wait plus jitter in [0, 1) x the step (client-go's factor
//                1.0, from the injected random source); then the state chosen when backing off.
//   kStopped     terminal; Stop() leads here from any state.
//
// Every list/watch error is reported to `watch_error_handler` (if set) and then handled as
// above: an informer never gives up (client-go).
//
// Thread-safety: Step() and Run() are called from one thread (the reflector's). Stop(), State()
// and Stats() may be called from any thread. Stop() closes an open watch and cancels a List in
// flight (ListOptions::cancel; RestListerWatcher ends the HTTP exchange) so that a blocked Step
// returns promptly.
#ifndef KUBECPP_INFORMERS_REFLECTOR_H_
#define KUBECPP_INFORMERS_REFLECTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/cancellation.h"
#include "base/clock.h"
#include "base/sync.h"
#include "indexers/object_traits.h"
#include "informers/backoff.h"
#include "informers/error_class.h"
#include "informers/list_watcher.h"

namespace kube::informers {

enum class ReflectorState { kStart, kWatchList, kList, kWatchStart, kWatching, kBackoff, kStopped };

absl::string_view ReflectorStateName(ReflectorState state);

// ReflectorSink receives what the reflector learns. Called on the reflector's thread, in order.
template <typename T>
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // Replace: `objects` is the whole content as of `resource_version`.
  virtual void Replace(std::vector<ObjectPtr<T>> objects, const std::string& resource_version) = 0;
  // Apply: one ADDED, MODIFIED or DELETED event.
  virtual void Apply(WatchEventType type, ObjectPtr<T> object) = 0;
};

// ReflectorStats are counters for observability (issue 6, point 6). Snapshot by value.
struct ReflectorStats {
  int64_t lists = 0;  // LIST requests (pages)
  int64_t list_errors = 0;
  int64_t watches = 0;       // WATCH requests, streaming lists included
  int64_t watch_errors = 0;  // failed opens, ERROR events, broken streams
  int64_t watch_list_fallbacks = 0;
  // Relists (the reflector drops its watch position and lists again), by cause:
  int64_t relists_expired = 0;       // watch 410: relist at the last-seen RV
  int64_t relists_list_expired = 0;  // list 410 / too-large RV: list again at RV ""
  int64_t relists_error = 0;         // any other watch or list error after the first sync:
                                     // back off, then start over (WatchList or LIST)
  int64_t events = 0;                // ADDED/MODIFIED/DELETED applied
  int64_t bookmarks = 0;
  std::string last_resource_version;
  std::string last_relist_reason;
};

struct ReflectorOptions {
  Clock* clock = &Clock::Real();
  // Uniform in [0, 1); picks the watch timeout and the backoff jitter. Default: absl::BitGen.
  std::function<double()> random;
  bool use_watch_list = true;
  int64_t page_size = 500;
  // The first LIST (no streaming list) is at RV "0" by default, as client-go: served from the
  // apiserver's watch cache, which ignores `limit` and answers in one page. true: at RV ""
  // instead — a consistent read that the server pages (`page_size`, continue tokens).
  bool initial_list_consistent = false;
  absl::Duration min_watch_timeout = absl::Seconds(300);
  absl::Duration max_watch_timeout = absl::Seconds(600);
  BackoffOptions backoff;
  std::string label_selector;
  std::string field_selector;
  std::function<void(const absl::Status&)> watch_error_handler;
};

template <indexers::KubeObject T>
class Reflector {
 public:
  // A watch that ends cleanly sooner than this without any event counts as a failure.
  static constexpr absl::Duration kVeryShortWatch = absl::Seconds(1);

  Reflector(ListerWatcher<T>* lister_watcher, ReflectorSink<T>* sink, ReflectorOptions options)
      : lw_(lister_watcher),
        sink_(sink),
        options_(std::move(options)),
        backoff_(options_.clock, options_.backoff, [this] { return options_.random(); }) {
    if (!options_.random) {
      options_.random = [gen = std::make_shared<absl::BitGen>()] {
        return absl::Uniform(*gen, 0.0, 1.0);
      };
    }
  }
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  // Step performs one transition from the current state and returns the new one.
  ReflectorState Step() {
    ReflectorState next = DoStep(state());
    MutexLock l(&mu_);
    if (stopped_) next = ReflectorState::kStopped;
    if (next == ReflectorState::kStopped) CloseStreamLocked();
    state_ = next;
    return next;
  }

  // Run steps until stopped.
  void Run() {
    while (Step() != ReflectorState::kStopped) {
    }
  }

  // Stop makes the reflector reach kStopped: wakes a backoff wait and closes an open watch.
  void Stop() {
    {
      MutexLock l(&mu_);
      stopped_ = true;
      if (stream_ != nullptr) stream_->Close();
    }
    list_cancel_->Cancel();  // outside mu_: it may call into the transport
  }

  ReflectorState state() const {
    MutexLock l(&mu_);
    return state_;
  }
  ReflectorStats Stats() const {
    MutexLock l(&mu_);
    return stats_;
  }
  std::string LastSyncResourceVersion() const {
    MutexLock l(&mu_);
    return stats_.last_resource_version;
  }
  // BackoffDeadline is when the current kBackoff wait ends (for tests and status pages).
  absl::Time BackoffDeadline() const {
    MutexLock l(&mu_);
    return backoff_until_;
  }

 private:
  enum class ListRv { kInitial, kLastSeen, kConsistent };

  ReflectorState DoStep(ReflectorState s) {
    switch (s) {
      case ReflectorState::kStart:
        return options_.use_watch_list ? ReflectorState::kWatchList : ReflectorState::kList;
      case ReflectorState::kWatchList:
        return StepWatchList();
      case ReflectorState::kList:
        return StepList();
      case ReflectorState::kWatchStart:
        return StepWatchStart();
      case ReflectorState::kWatching:
        return StepWatching();
      case ReflectorState::kBackoff:
        return StepBackoff();
      case ReflectorState::kStopped:
        return ReflectorState::kStopped;
    }
    return ReflectorState::kStopped;
  }

  ListOptions BaseOptions() const {
    ListOptions o;
    o.label_selector = options_.label_selector;
    o.field_selector = options_.field_selector;
    return o;
  }

  int64_t RandomWatchTimeoutSeconds() {
    double r = options_.random();
    absl::Duration span = options_.max_watch_timeout - options_.min_watch_timeout;
    return absl::ToInt64Seconds(options_.min_watch_timeout + span * r);
  }

  ReflectorState StepWatchList() {
    ListOptions o = BaseOptions();
    o.send_initial_events = true;
    o.resource_version_match = "NotOlderThan";
    o.resource_version = "";
    o.allow_watch_bookmarks = true;
    o.timeout_seconds = RandomWatchTimeoutSeconds();
    Count(&ReflectorStats::watches);
    auto stream = lw_->Watch(o);
    if (!stream.ok()) return FallBackToList(stream.status());
    if (!AdoptStream(*std::move(stream))) return ReflectorState::kStopped;
    std::vector<ObjectPtr<T>> initial;
    while (true) {
      auto event = stream_for_reader_->Next();
      if (!event.ok()) return FallBackToList(event.status());
      if (!event->has_value()) {
        if (IsStopped()) return ReflectorState::kStopped;
        return FallBackToList(absl::UnavailableError("watch ended before initial-events-end"));
      }
      WatchEvent<T>& e = **event;
      if (e.type == WatchEventType::kAdded && e.object != nullptr) {
        initial.push_back(std::move(e.object));
        continue;
      }
      if (e.type == WatchEventType::kBookmark && e.object != nullptr) {
        auto end = indexers::ObjectTraits<T>::Annotation(*e.object, kInitialEventsEndAnnotation);
        if (end.has_value() && *end == "true") {
          std::string rv(indexers::ObjectTraits<T>::ResourceVersion(*e.object));
          // The RV first: once Replace has marked the informer synced, its RV must be readable.
          SetResourceVersion(rv);
          sink_->Replace(std::move(initial), rv);
          synced_once_ = true;
          synthetic_adds_ = false;
          list_rv_ = ListRv::kLastSeen;
          watch_opened_at_ = options_.clock->Now();
          watch_events_ = 1;
          return ReflectorState::kWatching;
        }
        continue;  // an ordinary bookmark during the initial events: RV not advanced
      }
      if (e.type == WatchEventType::kError) return FallBackToList(e.error);
      return FallBackToList(absl::InternalError(
          absl::StrCat("unexpected ", WatchEventTypeName(e.type), " during the initial events")));
    }
  }

  ReflectorState FallBackToList(const absl::Status& error) {
    CloseStream();
    if (IsStopped()) return ReflectorState::kStopped;
    ReportError(error, &ReflectorStats::watch_errors);
    Count(&ReflectorStats::watch_list_fallbacks);
    return ReflectorState::kList;
  }

  ReflectorState StepList() {
    ListOptions o = BaseOptions();
    std::string rv = LastSyncResourceVersion();
    switch (list_rv_) {
      case ListRv::kInitial:
        o.resource_version = options_.initial_list_consistent ? "" : "0";
        break;
      case ListRv::kLastSeen:
        o.resource_version = rv;
        break;
      case ListRv::kConsistent:
        o.resource_version = "";
        break;
    }
    const bool paged = o.resource_version.empty() || o.resource_version == "0";
    if (paged) o.limit = options_.page_size;
    o.cancel = list_cancel_;
    std::vector<ObjectPtr<T>> items;
    std::string list_rv;
    while (true) {
      Count(&ReflectorStats::lists);
      auto page = lw_->List(o);
      if (!page.ok()) {
        if (IsStopped()) return ReflectorState::kStopped;  // cancelled by Stop: not an error
        ReportError(page.status(), &ReflectorStats::list_errors);
        ListWatchErrorClass c = ClassifyListWatchError(page.status());
        if (c == ListWatchErrorClass::kExpired ||
            c == ListWatchErrorClass::kTooLargeResourceVersion) {
          const bool was_consistent = list_rv_ == ListRv::kConsistent;
          list_rv_ = ListRv::kConsistent;
          Count(&ReflectorStats::relists_list_expired);
          SetRelistReason(absl::StrCat("list ", ListWatchErrorClassName(c)));
          if (!was_consistent) return ReflectorState::kList;
          return BackOffThen(ReflectorState::kList);
        }
        RelistAfterError(absl::StrCat("list error: ", page.status().ToString()));
        return BackOffThen(ReflectorState::kStart);
      }
      for (ObjectPtr<T>& item : page->items) items.push_back(std::move(item));
      list_rv = std::move(page->resource_version);
      if (!paged || page->continue_token.empty()) break;
      o.continue_token = std::move(page->continue_token);
    }
    SetResourceVersion(list_rv);  // before Replace (see StepWatchList)
    sink_->Replace(std::move(items), list_rv);
    synced_once_ = true;
    list_rv_ = ListRv::kLastSeen;
    return ReflectorState::kWatchStart;
  }

  ReflectorState StepWatchStart() {
    ListOptions o = BaseOptions();
    o.resource_version = LastSyncResourceVersion();
    o.allow_watch_bookmarks = true;
    o.timeout_seconds = RandomWatchTimeoutSeconds();
    Count(&ReflectorStats::watches);
    auto stream = lw_->Watch(o);
    if (!stream.ok()) return HandleWatchError(stream.status());
    synthetic_adds_ = o.resource_version.empty() || o.resource_version == "0";
    if (!AdoptStream(*std::move(stream))) return ReflectorState::kStopped;
    watch_opened_at_ = options_.clock->Now();
    watch_events_ = 0;
    return ReflectorState::kWatching;
  }

  ReflectorState StepWatching() {
    auto event = stream_for_reader_->Next();
    if (!event.ok()) {
      CloseStream();
      ReportError(event.status(), &ReflectorStats::watch_errors);
      if (ClassifyListWatchError(event.status()) == ListWatchErrorClass::kExpired) {
        return RelistAfterWatchExpired();
      }
      return BackOffThen(ReflectorState::kWatchStart);
    }
    if (!event->has_value()) {
      CloseStream();
      if (IsStopped()) return ReflectorState::kStopped;
      if (watch_events_ == 0 && options_.clock->Now() - watch_opened_at_ < kVeryShortWatch) {
        // A server that closes watches at once would otherwise be hammered (client-go's
        // "very short watch"): treat it as an error and back off before watching again.
        ReportError(absl::UnavailableError("very short watch: closed at once with no events"),
                    &ReflectorStats::watch_errors);
        return BackOffThen(ReflectorState::kWatchStart);
      }
      return ReflectorState::kWatchStart;
    }
    ++watch_events_;
    WatchEvent<T>& e = **event;
    switch (e.type) {
      case WatchEventType::kAdded:
      case WatchEventType::kModified:
      case WatchEventType::kDeleted: {
        if (e.object == nullptr) return ReflectorState::kWatching;
        if (e.type != WatchEventType::kAdded) synthetic_adds_ = false;
        std::string rv(indexers::ObjectTraits<T>::ResourceVersion(*e.object));
        sink_->Apply(e.type, std::move(e.object));
        Count(&ReflectorStats::events);
        if (!synthetic_adds_) SetResourceVersion(rv);
        return ReflectorState::kWatching;
      }
      case WatchEventType::kBookmark:
        synthetic_adds_ = false;
        Count(&ReflectorStats::bookmarks);
        if (e.object != nullptr) {
          SetResourceVersion(std::string(indexers::ObjectTraits<T>::ResourceVersion(*e.object)));
        }
        return ReflectorState::kWatching;
      case WatchEventType::kError:
        CloseStream();
        return HandleWatchError(e.error);
    }
    return ReflectorState::kWatching;
  }

  ReflectorState HandleWatchError(const absl::Status& error) {
    if (IsStopped()) return ReflectorState::kStopped;
    ReportError(error, &ReflectorStats::watch_errors);
    switch (ClassifyListWatchError(error)) {
      case ListWatchErrorClass::kExpired:
        return RelistAfterWatchExpired();
      case ListWatchErrorClass::kRetryWatch:
        return BackOffThen(ReflectorState::kWatchStart);
      case ListWatchErrorClass::kTooLargeResourceVersion:
      case ListWatchErrorClass::kOther:
        break;
    }
    RelistAfterError(absl::StrCat("watch error: ", error.ToString()));
    return BackOffThen(ReflectorState::kStart);
  }

  // RelistAfterError records that an error sends a synced reflector back to kStart (a relist).
  // Before the first sync there is nothing to relist: the first list is just being retried.
  void RelistAfterError(std::string reason) {
    if (!synced_once_) return;
    Count(&ReflectorStats::relists_error);
    SetRelistReason(std::move(reason));
  }

  ReflectorState RelistAfterWatchExpired() {
    list_rv_ = ListRv::kLastSeen;
    Count(&ReflectorStats::relists_expired);
    SetRelistReason("watch Expired");
    return ReflectorState::kList;
  }

  ReflectorState BackOffThen(ReflectorState after) {
    absl::Duration d = backoff_.Next();
    MutexLock l(&mu_);
    backoff_until_ = options_.clock->Now() + d;
    after_backoff_ = after;
    return ReflectorState::kBackoff;
  }

  ReflectorState StepBackoff() {
    MutexLock l(&mu_);
    options_.clock->AwaitWithDeadline(mu_, absl::Condition(&stopped_), backoff_until_);
    return stopped_ ? ReflectorState::kStopped : after_backoff_;
  }

  // AdoptStream makes `stream` the open watch (so Stop can close it). False if already stopped.
  bool AdoptStream(std::unique_ptr<WatchStream<T>> stream) {
    std::shared_ptr<WatchStream<T>> shared(std::move(stream));
    MutexLock l(&mu_);
    if (stopped_) {
      shared->Close();
      return false;
    }
    stream_ = shared;
    stream_for_reader_ = std::move(shared);
    return true;
  }
  void CloseStream() {
    MutexLock l(&mu_);
    CloseStreamLocked();
  }
  void CloseStreamLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (stream_ != nullptr) stream_->Close();
    stream_.reset();
  }

  bool IsStopped() const {
    MutexLock l(&mu_);
    return stopped_;
  }
  void ReportError(const absl::Status& error, int64_t ReflectorStats::*counter) {
    {
      MutexLock l(&mu_);
      ++(stats_.*counter);
    }
    if (options_.watch_error_handler) options_.watch_error_handler(error);
  }
  void Count(int64_t ReflectorStats::*counter) {
    MutexLock l(&mu_);
    ++(stats_.*counter);
  }
  void SetResourceVersion(std::string rv) {
    MutexLock l(&mu_);
    stats_.last_resource_version = std::move(rv);
  }
  void SetRelistReason(std::string reason) {
    MutexLock l(&mu_);
    stats_.last_relist_reason = std::move(reason);
  }

  ListerWatcher<T>* const lw_;
  ReflectorSink<T>* const sink_;
  ReflectorOptions options_;
  // Handed to every List; Stop() cancels it (one-shot: stopping is final).
  const std::shared_ptr<Cancellation> list_cancel_ = std::make_shared<Cancellation>();

  // Reflector-thread state.
  Backoff backoff_;
  ListRv list_rv_ = ListRv::kInitial;
  bool synced_once_ = false;  // a Replace has happened
  bool synthetic_adds_ = false;
  absl::Time watch_opened_at_ = absl::InfinitePast();
  int64_t watch_events_ = 0;  // events read from the open watch
  // The reflector thread reads events through this; it changes only on the reflector thread.
  std::shared_ptr<WatchStream<T>> stream_for_reader_;

  mutable absl::Mutex mu_;
  ReflectorState state_ ABSL_GUARDED_BY(mu_) = ReflectorState::kStart;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<WatchStream<T>> stream_ ABSL_GUARDED_BY(mu_);  // open watch, for Stop()
  absl::Time backoff_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  ReflectorState after_backoff_ ABSL_GUARDED_BY(mu_) = ReflectorState::kStart;
  ReflectorStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_REFLECTOR_H_
