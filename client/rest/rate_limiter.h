// kube::rest::RateLimiter — the client-side token bucket in front of every non-watch request.
//
// Where it sits: RestClient calls Wait() before each attempt of a request (retries included,
// as client-go does); watches are not limited. One limiter may be shared by several RestClients
// (client-go's generated clientset shares one across all API groups): pass the same
// std::shared_ptr in RestClientOptions.
//
// The token bucket holds at most `burst` tokens, starts full and refills at `qps` tokens per
// second. A waiter that finds no token reserves the next one (the count goes negative) and
// sleeps on the injected kube::Clock until its turn, so waiters are served in arrival order and
// a fake clock drives the whole thing deterministically in tests.
//
// Thread-safety: implementations are thread-safe.
#ifndef KUBECPP_CLIENT_REST_RATE_LIMITER_H_
#define KUBECPP_CLIENT_REST_RATE_LIMITER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::rest {

// client-go's rest.Config defaults, used when RestConfig.qps == 0 (and burst == 0).
inline constexpr double kDefaultQps = 5;
inline constexpr int kDefaultBurst = 10;

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Wait blocks until the caller may send one request. If that moment lies after `deadline`,
  // it returns DeadlineExceeded at once, without waiting and without taking a token. Pass
  // absl::InfiniteFuture() for no deadline.
  virtual absl::Status Wait(absl::Time deadline) = 0;

  // TryAccept takes a token if one is available now; never blocks.
  virtual bool TryAccept() = 0;

  // Qps is the refill rate; +infinity for a limiter that never limits.
  virtual double Qps() const = 0;
};

// NewTokenBucketRateLimiter makes a token bucket of `qps` > 0 tokens per second holding at most
// `burst` >= 1 tokens. `clock` (not owned; Clock::Real() when null) must outlive the limiter.
absl::StatusOr<std::unique_ptr<RateLimiter>> NewTokenBucketRateLimiter(double qps, int burst,
                                                                       Clock* clock = nullptr);

// NewUnlimitedRateLimiter makes a limiter that accepts every request at once.
std::unique_ptr<RateLimiter> NewUnlimitedRateLimiter();

// RateLimiterForConfig applies RestConfig's rules: qps == 0 -> kDefaultQps; burst == 0 ->
// kDefaultBurst; qps < 0 -> unlimited (rely on the server's API Priority and Fairness).
// InvalidArgument for qps > 0 with burst < 0, or a NaN qps.
absl::StatusOr<std::shared_ptr<RateLimiter>> RateLimiterForConfig(double qps, int burst,
                                                                  Clock* clock = nullptr);

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_RATE_LIMITER_H_
