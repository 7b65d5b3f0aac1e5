// kube::informers::testing::FakeListerWatcher<T> — a scripted ListerWatcher for reflector and
// informer tests: the test queues the answers of List and Watch calls in order, pushes events
// into the watch streams it handed out, and reads back the options every call was made with.
//
// An unscripted List or Watch call returns FailedPrecondition("unscripted ..."), which the
// reflector treats as an error, so a test that forgot a step fails visibly instead of hanging.
//
// Thread-safety: everything is thread-safe; FakeWatchStream::Next blocks (in real time, on a
// condition, never a sleep) until the test pushes an event, ends the stream or closes it.
#ifndef KUBECPP_INFORMERS_TESTING_FAKE_LISTER_WATCHER_H_
#define KUBECPP_INFORMERS_TESTING_FAKE_LISTER_WATCHER_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "informers/list_watcher.h"

namespace kube::informers::testing {

template <typename T>
class FakeWatchStream {
 public:
  // Push queues an event.
  void Push(WatchEvent<T> event) {
    MutexLock l(&mu_);
    queue_.push_back(std::move(event));
  }
  void Push(WatchEventType type, ObjectPtr<T> object) {
    Push(WatchEvent<T>{type, std::move(object), {}});
  }
  void PushError(absl::Status error) {
    Push(WatchEvent<T>{WatchEventType::kError, nullptr, std::move(error)});
  }
  // End makes Next return nullopt once the queued events are read (a server-side close).
  void End() {
    MutexLock l(&mu_);
    ended_ = true;
  }
  // Break makes Next return `error` once the queued events are read (a broken connection).
  void Break(absl::Status error) {
    MutexLock l(&mu_);
    broken_ = std::move(error);
  }
  bool closed() const {
    MutexLock l(&mu_);
    return closed_;
  }
  // WaitDrained blocks until the reader has taken every queued event and waits for more (or the
  // stream is closed). Returns false after `timeout` (real time; only a hang guard).
  bool WaitDrained(absl::Duration timeout = absl::Seconds(10)) {
    MutexLock l(&mu_);
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || (queue_.empty() && waiting_);
    };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&drained), absl::Now() + timeout);
  }

  // The WatchStream half, handed to the reflector through an adapter.
  absl::StatusOr<std::optional<WatchEvent<T>>> Next() {
    MutexLock l(&mu_);
    waiting_ = true;
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || !queue_.empty() || ended_ || !broken_.ok();
    };
    AwaitCondition(mu_, absl::Condition(&ready));
    waiting_ = false;
    if (closed_) return std::optional<WatchEvent<T>>();
    if (!queue_.empty()) {
      WatchEvent<T> e = std::move(queue_.front());
      queue_.pop_front();
      return std::optional<WatchEvent<T>>(std::move(e));
    }
    if (!broken_.ok()) return broken_;
    return std::optional<WatchEvent<T>>();
  }
  void Close() {
    MutexLock l(&mu_);
    closed_ = true;
  }

 private:
  mutable absl::Mutex mu_;
  std::deque<WatchEvent<T>> queue_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status broken_ ABSL_GUARDED_BY(mu_);
};

template <typename T>
class FakeListerWatcher final : public ListerWatcher<T> {
 public:
  // ExpectList queues the answer to the next List call.
  void ExpectList(absl::StatusOr<ListPage<T>> answer) {
    MutexLock l(&mu_);
    lists_.push_back(std::move(answer));
  }
  // ExpectWatch queues a successful answer to the next Watch call and returns its stream.
  std::shared_ptr<FakeWatchStream<T>> ExpectWatch() {
    auto s = std::make_shared<FakeWatchStream<T>>();
    MutexLock l(&mu_);
    watches_.push_back(s);
    return s;
  }
  // ExpectWatchError queues a failed answer to the next Watch call.
  void ExpectWatchError(absl::Status error) {
    MutexLock l(&mu_);
    watches_.push_back(std::move(error));
  }

  std::vector<ListOptions> list_calls() const {
    MutexLock l(&mu_);
    return list_calls_;
  }
  std::vector<ListOptions> watch_calls() const {
    MutexLock l(&mu_);
    return watch_calls_;
  }
  int list_count() const {
    MutexLock l(&mu_);
    return static_cast<int>(list_calls_.size());
  }
  int watch_count() const {
    MutexLock l(&mu_);
    return static_cast<int>(watch_calls_.size());
  }

  absl::StatusOr<ListPage<T>> List(const ListOptions& options) override {
    MutexLock l(&mu_);
    list_calls_.push_back(options);
    if (lists_.empty()) return absl::FailedPreconditionError("unscripted List call");
    absl::StatusOr<ListPage<T>> answer = std::move(lists_.front());
    lists_.pop_front();
    return answer;
  }

  absl::StatusOr<std::unique_ptr<WatchStream<T>>> Watch(const ListOptions& options) override {
    MutexLock l(&mu_);
    watch_calls_.push_back(options);
    if (watches_.empty()) return absl::FailedPreconditionError("unscripted Watch call");
    auto answer = std::move(watches_.front());
    watches_.pop_front();
    if (auto* error = std::get_if<absl::Status>(&answer)) return *error;
    return std::unique_ptr<WatchStream<T>>(
        new Adapter(std::get<std::shared_ptr<FakeWatchStream<T>>>(answer)));
  }

 private:
  class Adapter final : public WatchStream<T> {
   public:
    explicit Adapter(std::shared_ptr<FakeWatchStream<T>> s) : s_(std::move(s)) {}
    absl::StatusOr<std::optional<WatchEvent<T>>> Next() override { return s_->Next(); }
    void Close() override { s_->Close(); }

   private:
    std::shared_ptr<FakeWatchStream<T>> s_;
  };

  mutable absl::Mutex mu_;
  std::deque<absl::StatusOr<ListPage<T>>> lists_ ABSL_GUARDED_BY(mu_);
  std::deque<std::variant<std::shared_ptr<FakeWatchStream<T>>, absl::Status>> watches_
      ABSL_GUARDED_BY(mu_);
  std::vector<ListOptions> list_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<ListOptions> watch_calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::informers::testing

#endif  // KUBECPP_INFORMERS_TESTING_FAKE_LISTER_WATCHER_H_
