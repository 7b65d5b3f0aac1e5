// kube::informers::testing::RecordingHandler<T> — an EventHandler that writes each callback down
// as a line ("ADD ns/name@rv initial", "UPDATE ns/name@old->new", "DELETE ns/name@rv") and lets a
// test wait (on a condition, with a real-time hang guard) until N lines have arrived.
#ifndef KUBECPP_INFORMERS_TESTING_RECORDING_HANDLER_H_
#define KUBECPP_INFORMERS_TESTING_RECORDING_HANDLER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "indexers/object_traits.h"
#include "informers/event_handler.h"

namespace kube::informers::testing {

template <indexers::KubeObject T>
class RecordingHandler {
 public:
  // before_each runs before a callback is recorded (a test can block there to be "slow").
  EventHandler<T> Handler(std::function<void()> before_each = nullptr) {
    EventHandler<T> h;
    h.on_add = [this, before_each](const indexers::ObjectPtr<T>& o, bool initial) {
      if (before_each) before_each();
      Record(absl::StrCat("ADD ", Describe(*o), initial ? " initial" : ""));
    };
    h.on_update = [this, before_each](const indexers::ObjectPtr<T>& old_o,
                                      const indexers::ObjectPtr<T>& new_o) {
      if (before_each) before_each();
      Record(absl::StrCat("UPDATE ", indexers::KeyOf(*new_o).String(), "@",
                          indexers::ObjectTraits<T>::ResourceVersion(*old_o), "->",
                          indexers::ObjectTraits<T>::ResourceVersion(*new_o)));
    };
    h.on_delete = [this, before_each](const indexers::ObjectPtr<T>& o) {
      if (before_each) before_each();
      Record(absl::StrCat("DELETE ", Describe(*o)));
    };
    return h;
  }

  // WaitFor blocks until at least `n` callbacks were recorded; false after 10 s of real time.
  bool WaitFor(size_t n) {
    MutexLock l(&mu_);
    auto done = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return log_.size() >= n; };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&done), absl::Now() + absl::Seconds(10));
  }
  std::vector<std::string> log() const {
    MutexLock l(&mu_);
    return log_;
  }
  size_t size() const {
    MutexLock l(&mu_);
    return log_.size();
  }

 private:
  static std::string Describe(const T& o) {
    return absl::StrCat(indexers::KeyOf(o).String(), "@",
                        indexers::ObjectTraits<T>::ResourceVersion(o));
  }
  void Record(std::string line) {
    MutexLock l(&mu_);
    log_.push_back(std::move(line));
  }

  mutable absl::Mutex mu_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::informers::testing

#endif  // KUBECPP_INFORMERS_TESTING_RECORDING_HANDLER_H_
