// kube::Cancellation — lets one thread abandon blocking work another thread is doing (a LIST
// request in flight when the informer shuts down).
//
// The worker Attach()es what stops its current operation (e.g. "cancel this HTTP exchange"),
// Detach()es when done; Cancel() from any thread runs the attached callback once, and makes every
// later Attach refuse (return false), so a cancel that lands between two operations is not lost.
// Once cancelled it stays cancelled.
//
// Thread-safety: all methods are thread-safe. The callback runs outside the lock, on the
// cancelling thread; it must be safe to run after the operation finished (Detach racing Cancel).
#ifndef KUBECPP_BASE_CANCELLATION_H_
#define KUBECPP_BASE_CANCELLATION_H_

#include <functional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"

namespace kube {

class Cancellation {
 public:
  // Cancel marks this cancelled and runs the attached callback (if any). Idempotent.
  void Cancel() {
    std::function<void()> fn;
    {
      MutexLock l(&mu_);
      if (cancelled_) return;
      cancelled_ = true;
      fn = std::move(on_cancel_);
      on_cancel_ = nullptr;
    }
    if (fn) fn();
  }
  bool cancelled() const {
    MutexLock l(&mu_);
    return cancelled_;
  }
  // Attach installs `on_cancel` for the operation starting now; false (not installed) when
  // already cancelled: the caller should stop the operation itself.
  bool Attach(std::function<void()> on_cancel) {
    MutexLock l(&mu_);
    if (cancelled_) return false;
    on_cancel_ = std::move(on_cancel);
    return true;
  }
  // Detach removes the callback (the operation ended).
  void Detach() {
    std::function<void()> fn;
    MutexLock l(&mu_);
    fn.swap(on_cancel_);  // destroyed after the lock is released (declared first)
  }

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::function<void()> on_cancel_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube

#endif  // KUBECPP_BASE_CANCELLATION_H_
