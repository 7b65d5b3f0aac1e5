// kube::workqueue::RateLimiter — decides how long an item waits before it is retried.
//
// RateLimitingQueue::AddRateLimited asks When(item) and adds the item after that delay. The
// implementations (client-go's util/workqueue/default_rate_limiters.go) are in
// //workqueue:default_rate_limiters; this header is the interface alone, for code that only
// passes a limiter along.
//
// Per-item state: a limiter that counts failures per item keeps an entry for every item it has
// seen until Forget(item) removes it. Call Forget when an item succeeds (or is given up on):
// this is the same contract as client-go, where a controller that never calls Forget leaks one
// map entry per distinct key forever. kubecpp's limiters erase the entry on Forget, and
// RateLimitingQueue::Forget forwards to the limiter.
//
// Keyed on T like the queues (std::string by default); T must be hashable with absl::Hash.
//
// Thread-safety: implementations must be thread-safe; every method may be called concurrently.
#ifndef KUBECPP_WORKQUEUE_RATE_LIMITER_H_
#define KUBECPP_WORKQUEUE_RATE_LIMITER_H_

#include <string>

#include "absl/time/time.h"

namespace kube::workqueue {

template <typename T = std::string>
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // When records a failure of `item` and returns how long to wait before processing it again.
  virtual absl::Duration When(const T& item) = 0;

  // Forget drops everything recorded about `item` (its failures, so its next delay starts over).
  virtual void Forget(const T& item) = 0;

  // NumRequeues is the number of failures recorded for `item` since it was last forgotten.
  virtual int NumRequeues(const T& item) = 0;
};

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_RATE_LIMITER_H_
