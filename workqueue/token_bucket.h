// kube::workqueue::TokenBucket — a token bucket on an injected clock.
//
// The bucket holds up to `burst` tokens, starts full, and refills at `qps` tokens per second.
// Reserve() takes one token now or in the future and returns how long the caller has to wait
// for it, exactly like Go's golang.org/x/time/rate Limiter.Reserve().Delay(): reservations
// beyond the available tokens queue up, each one 1/qps after the previous. BucketRateLimiter
// (client-go's overall retry limit) is built on it; the REST client's QPS limit can be too.
//
// Edge cases follow x/time/rate: an infinite qps never delays; burst <= 0 (with finite qps)
// can never supply a token and every reservation returns absl::InfiniteDuration(); qps <= 0
// hands out the initial burst and then absl::InfiniteDuration().
//
// Thread-safety: thread-safe.
#ifndef KUBECPP_WORKQUEUE_TOKEN_BUCKET_H_
#define KUBECPP_WORKQUEUE_TOKEN_BUCKET_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::workqueue {

class TokenBucket {
 public:
  // `clock` nullptr: Clock::Real(). Not owned; must outlive the bucket.
  TokenBucket(double qps, int burst, Clock* clock = nullptr);
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Reserve takes one token and returns the wait before it may be used (zero if available now).
  absl::Duration Reserve();

  // TryAccept takes a token only if one is available now.
  bool TryAccept();

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  // Refill adds the tokens earned since the last update (never beyond burst).
  void Refill(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock& clock_;
  const double qps_;
  const int burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);  // negative: reservations already made into the future
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::workqueue

#endif  // KUBECPP_WORKQUEUE_TOKEN_BUCKET_H_
