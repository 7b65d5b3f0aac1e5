// kube::workqueue::Queue — a work queue with client-go's de-duplication (util/workqueue.Type).
//
// Sits at the end of the informer data flow (docs/architecture.md): event handlers Add the keys
// of changed objects, a pool of workers Get them, reconcile, and call Done.
//
// Guarantees, exactly as client-go's queue:
//   * An item is pending at most once: adding an item that is already pending is a no-op (the
//     item keeps its place).
//   * An item is processed by at most one worker at a time: adding an item while a worker
//     holds it (between Get and Done) marks it pending, and it is queued again only when Done
//     is called, so it is processed once more afterwards, never concurrently.
//   * FIFO among pending items.
//   * Get blocks until an item is available or the queue is shut down. After ShutDown, Get still
//     hands out items that were pending, and returns std::nullopt once none is left: nullopt
//     always means "shut down and empty, stop the worker".
//   * After ShutDown, Add is ignored (also for items being processed: they are not requeued).
//
// Differences from client-go: Done for an item that is not being processed is ignored (client-go
// would queue a second copy of it if it was pending); Get returns std::optional<T> instead of an
// (item, shutdown) pair.
//
// T: copyable, equality-comparable and hashable with absl::Hash (std::string keys are the common
// case; define AbslHashValue for your own types).
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef KUBECPP_WORKQUEUE_QUEUE_H_
#define KUBECPP_WORKQUEUE_QUEUE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "workqueue/queue_options.h"

namespace kube::workqueue {

template <typename T = std::string>
class Queue {
 public:
  virtual ~Queue() = default;

  // Add marks `item` as needing processing (see the guarantees above).
  virtual void Add(const T& item) = 0;

  // Len is the number of items waiting for Get (items being processed are not counted, nor are
  // items re-added while being processed, until their Done).
  virtual size_t Len() const = 0;

  // Get blocks until an item is available and returns it; the caller must call Done(item) when
  // finished with it. Returns std::nullopt when the queue is shut down and has nothing left.
  virtual std::optional<T> Get() = 0;

  // Done tells the queue that processing `item` is finished. If the item was added meanwhile,
  // it is queued again now. Ignored for an item that is not being processed.
  virtual void Done(const T& item) = 0;

  // ShutDown makes the queue ignore further adds and wakes every worker blocked in Get (which
  // then drains what is pending and gets std::nullopt). Returns at once. Idempotent.
  virtual void ShutDown() = 0;

  // ShutDownWithDrain is ShutDown, and then blocks until no item is being processed (every
  // item handed out by Get has been Done). Items still pending stay available to Get. A
  // concurrent ShutDown() ends the wait early, as in client-go. Must not be called from a
  // worker that holds an item (it would wait for itself).
  virtual void ShutDownWithDrain() = 0;

  // ShuttingDown is true once ShutDown or ShutDownWithDrain has been called.
  virtual bool ShuttingDown() const = 0;
};

// NewQueue creates a queue. See QueueOptions for the clock and metrics.
template <typename T = std::string>
std::unique_ptr<Queue<T>> NewQueue(const QueueOptions& options = {});

}  // namespace kube::workqueue

// The template definitions (NewQueue, internal::QueueImpl).
#include "workqueue/internal/queue_impl.h"  // IWYU pragma: export

#endif  // KUBECPP_WORKQUEUE_QUEUE_H_
