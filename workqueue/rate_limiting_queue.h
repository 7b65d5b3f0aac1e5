// kube::workqueue::RateLimitingQueue — a DelayingQueue that retries items with backoff.
//
// The queue controllers use (client-go's RateLimitingInterface): a worker that fails to
// reconcile an item calls AddRateLimited(item), which adds it after RateLimiter::When(item);
// on success it calls Forget(item) so the item's backoff starts over and its limiter state is
// freed. Forgetting to call Forget keeps one limiter entry per failed item alive (client-go has
// the same contract and leaks the same way; see rate_limiter.h).
//
// AddRateLimited inherits DelayingQueue's merging: an item already waiting keeps its earlier
// ready time, so repeated failures never pile up timers.
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef KUBECPP_WORKQUEUE_RATE_LIMITING_QUEUE_H_
#define KUBECPP_WORKQUEUE_RATE_LIMITING_QUEUE_H_

#include <memory>
#include <string>

#include "workqueue/delaying_queue.h"
#include "workqueue/queue_options.h"
#include "workqueue/rate_limiter.h"

namespace kube::workqueue {

template <typename T = std::string>
class RateLimitingQueue : public DelayingQueue<T> {
 public:
  // AddRateLimited adds `item` after the delay the rate limiter gives it now (recording a
  // failure). Ignored after shutdown (and then records nothing).
  virtual void AddRateLimited(const T& item) = 0;

  // Forget tells the rate limiter that `item` is done with retries: its failure count resets
  // and its per-item state is removed. It does not remove the item from the queue.
  virtual void Forget(const T& item) = 0;

  // NumRequeues is how many times `item` has been rate-limited since it was last forgotten.
  virtual int NumRequeues(const T& item) = 0;
};

template <typename T = std::string>
struct RateLimitingQueueOptions {
  QueueOptions queue;
  // RateLimiter decides the delays. nullptr: DefaultControllerRateLimiter<T>(queue.clock).
  // Shared, so one limiter can serve several queues, as in client-go.
  std::shared_ptr<RateLimiter<T>> rate_limiter;
};

// NewRateLimitingQueue creates a rate-limiting queue and starts its waiting thread.
template <typename T = std::string>
std::unique_ptr<RateLimitingQueue<T>> NewRateLimitingQueue(
    RateLimitingQueueOptions<T> options = {});

}  // namespace kube::workqueue

// The template definitions (NewRateLimitingQueue, internal::RateLimitingQueueImpl).
#include "workqueue/internal/rate_limiting_queue_impl.h"  // IWYU pragma: export

#endif  // KUBECPP_WORKQUEUE_RATE_LIMITING_QUEUE_H_
