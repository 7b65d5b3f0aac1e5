// kube::workqueue::DelayingQueue — a Queue that can also add an item after a delay.
//
// The layer between Queue and RateLimitingQueue (client-go's DelayingInterface). Used for
// requeue-after results of reconcilers and, through RateLimitingQueue, for backoff.
//
// Guarantees:
//   * AddAfter(item, d) adds the item to the queue once the injected clock has moved `d` past
//     the call; d <= 0 adds at once.
//   * An item that is already waiting keeps the EARLIER of its two ready times (client-go): a
//     short requeue is never pushed back by a longer one, and there is one timer entry per item
//     however often it is re-added.
//   * Items become ready in ready-time order; equal times in the order they were added.
//   * One background thread per queue waits for the earliest ready time on the clock; there is
//     no thread or timer per item, and no channel whose buffer could block AddAfter.
//   * ShutDown (or ShutDownWithDrain) stops and joins that thread; items still waiting are
//     dropped, and AddAfter after shutdown is ignored.
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef KUBECPP_WORKQUEUE_DELAYING_QUEUE_H_
#define KUBECPP_WORKQUEUE_DELAYING_QUEUE_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "workqueue/queue.h"
#include "workqueue/queue_options.h"

namespace kube::workqueue {

template <typename T = std::string>
class DelayingQueue : public Queue<T> {
 public:
  // AddAfter adds `item` once `delay` has passed on the queue's clock (see above).
  // absl::InfiniteDuration() parks the item until shutdown.
  virtual void AddAfter(const T& item, absl::Duration delay) = 0;
};

// NewDelayingQueue creates a delaying queue and starts its waiting thread.
template <typename T = std::string>
std::unique_ptr<DelayingQueue<T>> NewDelayingQueue(const QueueOptions& options = {});

}  // namespace kube::workqueue

// The template definitions (NewDelayingQueue, internal::DelayingQueueImpl).
#include "workqueue/internal/delaying_queue_impl.h"  // IWYU pragma: export

#endif  // KUBECPP_WORKQUEUE_DELAYING_QUEUE_H_
