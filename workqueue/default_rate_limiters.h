// kube::workqueue rate limiters — client-go's default_rate_limiters.go, keyed on T.
//
//   ItemExponentialFailureRateLimiter  base * 2^failures per item, capped at max
//   ItemFastSlowRateLimiter            `fast` for the first N failures of an item, then `slow`
//   BucketRateLimiter                  one token bucket for all items (overall retry rate)
//   MaxOfRateLimiter                   the longest delay of several limiters
//   DefaultControllerRateLimiter()     max(exponential 5ms..1000s, bucket 10 qps burst 100)
//
// Per-item limiters keep an entry per item until Forget (see rate_limiter.h); NumTrackedItems()
// shows how many, so a controller can check that it forgets what it should.
//
// Thread-safety: every limiter here is thread-safe.
#ifndef KUBECPP_WORKQUEUE_DEFAULT_RATE_LIMITERS_H_
#define KUBECPP_WORKQUEUE_DEFAULT_RATE_LIMITERS_H_

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/sync.h"
#include "workqueue/rate_limiter.h"
#include "workqueue/token_bucket.h"

namespace kube::workqueue {

// ItemExponentialFailureRateLimiter delays an item base * 2^(failures so far), at most max:
// 5ms, 10ms, 20ms, ... with the defaults. The exponent is bounded before shifting, so a
// long-failing item stays at max instead of overflowing.
template <typename T = std::string>
class ItemExponentialFailureRateLimiter final : public RateLimiter<T> {
 public:
  static constexpr absl::Duration kDefaultBaseDelay = absl::Milliseconds(5);
  static constexpr absl::Duration kDefaultMaxDelay = absl::Seconds(1000);

  explicit ItemExponentialFailureRateLimiter(absl::Duration base_delay = kDefaultBaseDelay,
                                             absl::Duration max_delay = kDefaultMaxDelay)
      : base_delay_(base_delay), max_delay_(max_delay) {}

  absl::Duration When(const T& item) override {
    int exponent;
    {
      MutexLock lock(&mu_);
      int& failures = failures_[item];
      exponent = failures;
      if (failures < INT_MAX) ++failures;
    }
    // Bound the exponent before shifting; base * 2^62 is past any useful delay (and
    // absl::Duration saturates rather than overflows below that).
    if (exponent >= 62) {
      return base_delay_ > absl::ZeroDuration() ? max_delay_ : std::min(base_delay_, max_delay_);
    }
    const absl::Duration backoff = base_delay_ * (int64_t{1} << exponent);
    return std::min(backoff, max_delay_);
  }

  void Forget(const T& item) override {
    MutexLock lock(&mu_);
    failures_.erase(item);
  }

  int NumRequeues(const T& item) override {
    MutexLock lock(&mu_);
    auto it = failures_.find(item);
    return it == failures_.end() ? 0 : it->second;
  }

  // NumTrackedItems is the number of items with recorded failures (not yet forgotten).
  size_t NumTrackedItems() const {
    MutexLock lock(&mu_);
    return failures_.size();
  }

 private:
  const absl::Duration base_delay_;
  const absl::Duration max_delay_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<T, int> failures_ ABSL_GUARDED_BY(mu_);
};

// ItemFastSlowRateLimiter delays an item `fast` for its first `max_fast_attempts` failures and
// `slow` after that.
template <typename T = std::string>
class ItemFastSlowRateLimiter final : public RateLimiter<T> {
 public:
  ItemFastSlowRateLimiter(absl::Duration fast_delay, absl::Duration slow_delay,
                          int max_fast_attempts)
      : fast_delay_(fast_delay), slow_delay_(slow_delay), max_fast_attempts_(max_fast_attempts) {}

  absl::Duration When(const T& item) override {
    int failures;
    {
      MutexLock lock(&mu_);
      int& count = failures_[item];
      if (count < INT_MAX) ++count;
      failures = count;
    }
    return failures <= max_fast_attempts_ ? fast_delay_ : slow_delay_;
  }

  void Forget(const T& item) override {
    MutexLock lock(&mu_);
    failures_.erase(item);
  }

  int NumRequeues(const T& item) override {
    MutexLock lock(&mu_);
    auto it = failures_.find(item);
    return it == failures_.end() ? 0 : it->second;
  }

  size_t NumTrackedItems() const {
    MutexLock lock(&mu_);
    return failures_.size();
  }

 private:
  const absl::Duration fast_delay_;
  const absl::Duration slow_delay_;
  const int max_fast_attempts_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<T, int> failures_ ABSL_GUARDED_BY(mu_);
};

// BucketRateLimiter limits all items together with one token bucket: When() reserves a token
// and returns how long until it is usable. It keeps no per-item state: Forget does nothing and
// NumRequeues is always 0 (as in client-go).
template <typename T = std::string>
class BucketRateLimiter final : public RateLimiter<T> {
 public:
  static constexpr double kDefaultQps = 10;
  static constexpr int kDefaultBurst = 100;

  // `clock` nullptr: Clock::Real(). Not owned; must outlive the limiter.
  explicit BucketRateLimiter(Clock* clock = nullptr, double qps = kDefaultQps,
                             int burst = kDefaultBurst)
      : bucket_(qps, burst, clock) {}

  absl::Duration When(const T&) override { return bucket_.Reserve(); }
  void Forget(const T&) override {}
  int NumRequeues(const T&) override { return 0; }

 private:
  TokenBucket bucket_;
};

// MaxOfRateLimiter asks every limiter (so each records the failure) and returns the longest
// delay; NumRequeues is the largest count; Forget forgets in all of them.
template <typename T = std::string>
class MaxOfRateLimiter final : public RateLimiter<T> {
 public:
  explicit MaxOfRateLimiter(std::vector<std::shared_ptr<RateLimiter<T>>> limiters)
      : limiters_(std::move(limiters)) {}

  absl::Duration When(const T& item) override {
    absl::Duration longest = absl::ZeroDuration();
    for (const auto& limiter : limiters_) longest = std::max(longest, limiter->When(item));
    return longest;
  }

  void Forget(const T& item) override {
    for (const auto& limiter : limiters_) limiter->Forget(item);
  }

  int NumRequeues(const T& item) override {
    int most = 0;
    for (const auto& limiter : limiters_) most = std::max(most, limiter->NumRequeues(item));
    return most;
  }

 private:
  const std::vector<std::shared_ptr<RateLimiter<T>>> limiters_;  // immutable: no lock needed
};

// DefaultControllerRateLimiter is client-go's DefaultControllerRateLimiter: per-item exponential
// backoff from 5ms to 1000s, and at most 10 retries per second overall with bursts of 100.
// `clock` (nullptr: Clock::Real()) drives the bucket; not owned, must outlive the limiter.
template <typename T = std::string>
std::shared_ptr<RateLimiter<T>> DefaultControllerRateLimiter(Clock* clock = nullptr) {
  return std::make_shared<MaxOfRateLimiter<T>>(std::vector<std::shared_ptr<RateLimiter<T>>>{
      std::make_shared<ItemExponentialFailureRateLimiter<T>>(),
      std::make_shared<BucketRateLimiter<T>>(clock),
  });
}

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_DEFAULT_RATE_LIMITERS_H_
