// kube::informers::Backoff — the reflector's retry delay: an exponential step that starts at
// `initial`, doubles up to `max`, and starts over once `reset_after` has passed since the previous
// failure (client-go's 800 ms -> 30 s, reset after 2 healthy minutes), plus jitter: each wait is
// step + jitter * random() * step (client-go's backoff manager uses jitter 1.0), so informers
// that failed together (an apiserver restart) do not all retry in the same instant. The step
// itself is not jittered; a wait is at most (1 + jitter) * max. Time is read from the injected
// Clock, randomness from the injected source (uniform in [0, 1); none = no jitter).
//
// Thread-compatible: owned by one reflector thread.
#ifndef KUBECPP_INFORMERS_BACKOFF_H_
#define KUBECPP_INFORMERS_BACKOFF_H_

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::informers {

struct BackoffOptions {
  absl::Duration initial = absl::Milliseconds(800);
  absl::Duration max = absl::Seconds(30);
  absl::Duration reset_after = absl::Minutes(2);
  double jitter = 1.0;  // client-go's factor; 0 = none
};

class Backoff {
 public:
  Backoff(Clock* clock, BackoffOptions options, std::function<double()> random = nullptr)
      : clock_(clock), options_(options), random_(std::move(random)) {}

  // Next returns how long to wait after a failure happening now.
  absl::Duration Next() {
    absl::Time now = clock_->Now();
    if (last_failure_ == absl::InfinitePast() || now - last_failure_ >= options_.reset_after) {
      current_ = options_.initial;
    } else {
      current_ = std::min(current_ * 2, options_.max);
    }
    last_failure_ = now;
    if (!random_ || options_.jitter <= 0) return current_;
    // Clamped so that a misbehaving source cannot produce a negative or unbounded wait.
    const double r = std::clamp(random_(), 0.0, 1.0);
    return current_ + current_ * (options_.jitter * r);
  }

 private:
  Clock* clock_;
  BackoffOptions options_;
  std::function<double()> random_;
  absl::Duration current_ = absl::ZeroDuration();
  absl::Time last_failure_ = absl::InfinitePast();
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_BACKOFF_H_
