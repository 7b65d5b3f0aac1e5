// kube::informers::EventHandler<T> and HandlerRegistration — what a consumer of a
// SharedIndexInformer registers, and the handle it gets back.
//
// Callbacks receive the cached shared immutable objects. They run on the registration's own
// dispatch thread, never on the I/O or reflector thread, one at a time, in the order the informer
// applied the changes. on_add's `is_in_initial_list` is true for the adds that make up the
// initial state (the first list, or the cache replayed to a handler added late).
#ifndef KUBECPP_INFORMERS_EVENT_HANDLER_H_
#define KUBECPP_INFORMERS_EVENT_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/time/time.h"
#include "indexers/object_traits.h"

namespace kube::informers {

template <typename T>
struct EventHandler {
  std::function<void(const indexers::ObjectPtr<T>& object, bool is_in_initial_list)> on_add;
  std::function<void(const indexers::ObjectPtr<T>& old_object,
                     const indexers::ObjectPtr<T>& new_object)>
      on_update;
  // on_delete receives the last state the cache held.
  std::function<void(const indexers::ObjectPtr<T>& object)> on_delete;
};

struct HandlerOptions {
  // resync_period: re-deliver every cached object as on_update(o, o) this often. Zero = never.
  // Periods under one second are raised to one second.
  absl::Duration resync_period = absl::ZeroDuration();
  // buffer_capacity: events queued for this handler before the informer waits for it.
  size_t buffer_capacity = 1024;
};

// HandlerStats: a registration's dispatch health. `producer_waits` counts the times the informer
// had to wait for this handler's buffer: non-zero means this handler is slowing its informer.
struct HandlerStats {
  size_t buffer_depth = 0;      // events queued now (not counting a late-join replay)
  size_t max_buffer_depth = 0;  // high-water mark
  int64_t delivered = 0;        // callbacks run
  int64_t producer_waits = 0;   // times the informer blocked on a full buffer
  absl::Duration producer_wait_time = absl::ZeroDuration();  // total, on the informer's clock
  // How long the oldest buffered event has waited for this handler (zero when the buffer is
  // empty), on the informer's clock: the handler's lag behind the cache.
  absl::Duration oldest_queued_age = absl::ZeroDuration();
};

class HandlerRegistration {
 public:
  virtual ~HandlerRegistration() = default;
  // HasSynced: the informer has synced and this handler has been *delivered* its initial adds.
  virtual bool HasSynced() const = 0;
  virtual HandlerStats Stats() const = 0;
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_EVENT_HANDLER_H_
