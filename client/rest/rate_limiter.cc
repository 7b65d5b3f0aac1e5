#include "client/rest/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"

namespace kube::rest {
namespace {

class TokenBucket final : public RateLimiter {
 public:
  TokenBucket(double qps, int burst, Clock* clock)
      : qps_(qps), burst_(burst), clock_(*clock), tokens_(burst), last_(clock->Now()) {}

  absl::Status Wait(absl::Time deadline) override {
    absl::Time ready;
    {
      MutexLock lock(&mu_);
      const absl::Time now = clock_.Now();
      Refill(now);
      if (tokens_ >= 1) {
        tokens_ -= 1;
        return absl::OkStatus();
      }
      // The reserved token arrives once the deficit (1 - tokens_) has refilled.
      ready = now + absl::Seconds((1 - tokens_) / qps_);
      if (ready > deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("client-side rate limiter (", qps_, " qps, burst ", burst_,
                         ") would delay the request by ", absl::FormatDuration(ready - now),
                         ", past its deadline"));
      }
      tokens_ -= 1;
    }
    clock_.SleepUntil(ready);
    return absl::OkStatus();
  }

  bool TryAccept() override {
    MutexLock lock(&mu_);
    Refill(clock_.Now());
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  double Qps() const override { return qps_; }

 private:
  void Refill(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    // A clock that went backwards refills nothing (and does not rewind `last_`).
    if (now <= last_) return;
    tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * qps_);
    last_ = now;
  }

  const double qps_;
  const int burst_;
  Clock& clock_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

class Unlimited final : public RateLimiter {
 public:
  absl::Status Wait(absl::Time) override { return absl::OkStatus(); }
  bool TryAccept() override { return true; }
  double Qps() const override { return std::numeric_limits<double>::infinity(); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<RateLimiter>> NewTokenBucketRateLimiter(double qps, int burst,
                                                                       Clock* clock) {
  if (!(qps > 0) || std::isinf(qps)) {
    return absl::InvalidArgumentError(
        absl::StrCat("token bucket needs a finite qps > 0, got ", qps));
  }
  if (burst < 1) {
    return absl::InvalidArgumentError(absl::StrCat("token bucket needs burst >= 1, got ", burst));
  }
  return std::make_unique<TokenBucket>(qps, burst, clock != nullptr ? clock : &Clock::Real());
}

std::unique_ptr<RateLimiter> NewUnlimitedRateLimiter() { return std::make_unique<Unlimited>(); }

absl::StatusOr<std::shared_ptr<RateLimiter>> RateLimiterForConfig(double qps, int burst,
                                                                  Clock* clock) {
  if (std::isnan(qps)) return absl::InvalidArgumentError("qps is NaN");
  if (qps < 0 || std::isinf(qps)) return std::shared_ptr<RateLimiter>(NewUnlimitedRateLimiter());
  if (qps == 0) qps = kDefaultQps;
  if (burst == 0) burst = kDefaultBurst;
  if (burst < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("burst must be > 0 when qps > 0 (qps ", qps, ", burst ", burst, ")"));
  }
  absl::StatusOr<std::unique_ptr<RateLimiter>> limiter =
      NewTokenBucketRateLimiter(qps, burst, clock);
  if (!limiter.ok()) return limiter.status();
  return std::shared_ptr<RateLimiter>(*std::move(limiter));
}

}  // namespace kube::rest
