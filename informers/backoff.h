// kube::informers::Backoff — the reflector's retry delay: starts at `initial`, doubles up to
// `max`, and starts over once `reset_after` has passed since the previous failure (client-go's
// 800 ms -> 30 s, reset after 2 healthy minutes). Time is read from the injected Clock.
//
// Thread-compatible: owned by one reflector thread.
#ifndef KUBECPP_INFORMERS_BACKOFF_H_
#define KUBECPP_INFORMERS_BACKOFF_H_

#include <algorithm>

#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::informers {

struct BackoffOptions {
  absl::Duration initial = absl::Milliseconds(800);
  absl::Duration max = absl::Seconds(30);
  absl::Duration reset_after = absl::Minutes(2);
};

class Backoff {
 public:
  Backoff(Clock* clock, BackoffOptions options) : clock_(clock), options_(options) {}

  // Next returns how long to wait after a failure happening now.
  absl::Duration Next() {
    absl::Time now = clock_->Now();
    if (last_failure_ == absl::InfinitePast() || now - last_failure_ >= options_.reset_after) {
      current_ = options_.initial;
    } else {
      current_ = std::min(current_ * 2, options_.max);
    }
    last_failure_ = now;
    return current_;
  }

 private:
  Clock* clock_;
  BackoffOptions options_;
  absl::Duration current_ = absl::ZeroDuration();
  absl::Time last_failure_ = absl::InfinitePast();
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_BACKOFF_H_
