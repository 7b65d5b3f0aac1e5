// Implementation of kube::workqueue::RateLimitingQueue. Not part of the API: include
// workqueue/rate_limiting_queue.h.
#ifndef KUBECPP_WORKQUEUE_INTERNAL_RATE_LIMITING_QUEUE_IMPL_H_
#define KUBECPP_WORKQUEUE_INTERNAL_RATE_LIMITING_QUEUE_IMPL_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

#include "absl/time/time.h"
#include "workqueue/default_rate_limiters.h"
#include "workqueue/internal/delaying_queue_impl.h"
#include "workqueue/internal/queue_impl.h"
#include "workqueue/queue_options.h"
#include "workqueue/rate_limiter.h"
#include "workqueue/rate_limiting_queue.h"

namespace kube::workqueue::internal {

template <typename T>
class RateLimitingQueueImpl final : public RateLimitingQueue<T> {
 public:
  RateLimitingQueueImpl(const QueueOptions& options, std::shared_ptr<RateLimiter<T>> limiter)
      : limiter_(limiter != nullptr ? std::move(limiter)
                                    : DefaultControllerRateLimiter<T>(options.clock)),
        queue_(options) {}

  void Add(const T& item) override { queue_.Add(item); }
  size_t Len() const override { return queue_.Len(); }
  std::optional<T> Get() override { return queue_.Get(); }
  void Done(const T& item) override { queue_.Done(item); }
  void ShutDown() override { queue_.ShutDown(); }
  void ShutDownWithDrain() override { queue_.ShutDownWithDrain(); }
  bool ShuttingDown() const override { return queue_.ShuttingDown(); }
  void AddAfter(const T& item, absl::Duration delay) override { queue_.AddAfter(item, delay); }

  void AddRateLimited(const T& item) override {
    // Checked first so that a shut-down queue does not grow the limiter's per-item state.
    if (queue_.ShuttingDown()) return;
    queue_.AddAfter(item, limiter_->When(item));
  }
  void Forget(const T& item) override { limiter_->Forget(item); }
  int NumRequeues(const T& item) override { return limiter_->NumRequeues(item); }

  const DelayingQueueImpl<T>& delaying_queue_for_testing() const { return queue_; }

 private:
  const std::shared_ptr<RateLimiter<T>> limiter_;
  DelayingQueueImpl<T> queue_;
};

}  // namespace kube::workqueue::internal

namespace kube::workqueue {

template <typename T>
std::unique_ptr<RateLimitingQueue<T>> NewRateLimitingQueue(RateLimitingQueueOptions<T> options) {
  return std::make_unique<internal::RateLimitingQueueImpl<T>>(options.queue,
                                                              std::move(options.rate_limiter));
}

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_INTERNAL_RATE_LIMITING_QUEUE_IMPL_H_
