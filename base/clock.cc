#include "base/clock.h"

#include <algorithm>

#include "base/sync.h"

namespace kube {

void Clock::SleepUntil(absl::Time deadline) {
  // A private mutex and a condition that never holds: only the deadline ends the wait.
  absl::Mutex mu;
  bool never = false;
  MutexLock lock(&mu);
  while (!AwaitWithDeadline(mu, absl::Condition(&never), deadline) && Now() < deadline) {
  }
}

Clock& Clock::Real() {
  static RealClock* const clock = new RealClock();
  return *clock;
}

absl::Time RealClock::Now() const { return absl::Now(); }

bool RealClock::AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                  absl::Time deadline) {
  for (;;) {
    const absl::Time now = absl::Now();
    if (now >= deadline) return cond.Eval();
    const absl::Time slice_end = std::min(deadline, now + kMaxWaitSlice);
    if (AwaitConditionWithDeadline(mu, cond, slice_end)) return true;
  }
}

}  // namespace kube
