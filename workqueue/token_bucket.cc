#include "workqueue/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "base/sync.h"

namespace kube::workqueue {

TokenBucket::TokenBucket(double qps, int burst, Clock* clock)
    : clock_(clock != nullptr ? *clock : Clock::Real()),
      qps_(qps),
      burst_(burst),
      tokens_(std::max(burst, 0)),
      last_(clock_.Now()) {}

void TokenBucket::Refill(absl::Time now) {
  // A clock that went backwards earns nothing (and moves `last_` back, as x/time/rate does).
  const absl::Time since = std::min(last_, now);
  if (qps_ > 0) {
    tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - since) * qps_);
  }
  last_ = now;
}

absl::Duration TokenBucket::Reserve() {
  if (std::isinf(qps_) && qps_ > 0) return absl::ZeroDuration();
  if (burst_ <= 0 && qps_ > 0) return absl::InfiniteDuration();
  MutexLock lock(&mu_);
  Refill(clock_.Now());
  if (qps_ <= 0) {
    if (tokens_ < 1) return absl::InfiniteDuration();
    tokens_ -= 1;
    return absl::ZeroDuration();
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  // Go: time.Duration(tokens / limit * float64(time.Second)), truncated to whole nanoseconds.
  const double nanos = -tokens_ / qps_ * 1e9;
  if (nanos >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return absl::InfiniteDuration();
  }
  return absl::Nanoseconds(static_cast<int64_t>(nanos));
}

bool TokenBucket::TryAccept() {
  if (std::isinf(qps_) && qps_ > 0) return true;
  MutexLock lock(&mu_);
  Refill(clock_.Now());
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace kube::workqueue
