// kube::Clock — the one source of time for kubecpp.
//
// Every component that reads the time or waits for a time to come (the delaying work queue, rate
// limiters, informer resync timers, reflector backoff) takes a Clock* instead of calling
// absl::Now() or sleeping, so tests drive it with kube::testing::FakeClock
// (//base/testing:fake_clock) and never sleep in real time.
//
// Waiting is one primitive, AwaitWithDeadline: "block on my mutex until my condition holds or the
// clock reaches this deadline". It is the absl::Mutex::AwaitWithDeadline shape with the clock
// substituted, which is everything a timer loop needs (a heap of deadlines re-armed whenever an
// earlier one arrives, a periodic tick, a sleep). A fake clock wakes the waiter when its time is
// moved past the deadline; the condition wakes it as usual when the state under the mutex changes.
//
// Thread-safety: implementations are thread-safe; Clock::Real() lives forever.
#ifndef KUBECPP_BASE_CLOCK_H_
#define KUBECPP_BASE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kube {

class Clock {
 public:
  virtual ~Clock() = default;

  // Now returns the clock's current time.
  virtual absl::Time Now() const = 0;

  // AwaitWithDeadline blocks until `cond` holds or Now() >= `deadline`, whichever comes first,
  // and returns whether `cond` holds on return (so `false` means the deadline passed).
  //
  // `mu` must be held exclusively on entry, acquired through kube::MutexLock or kube::LockMutex
  // (base/sync.h); it is held again on return and released while waiting, exactly like
  // absl::Mutex::AwaitWithDeadline. `cond` is evaluated with `mu` held, by any thread, as
  // absl::Condition always is. Pass absl::InfiniteFuture() to wait for `cond` alone; a deadline
  // already reached returns at once. Like any condition wait, the caller re-checks its state on
  // return rather than trusting that exactly one of "cond" or "deadline" happened.
  virtual bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) = 0;

  // SleepUntil blocks until Now() >= deadline.
  void SleepUntil(absl::Time deadline);

  // SleepFor blocks until `d` has passed on this clock.
  void SleepFor(absl::Duration d) { SleepUntil(Now() + d); }

  // Real returns the process-wide clock backed by absl::Now(). Never destroyed.
  static Clock& Real();
};

// RealClock reads absl::Now() and waits on absl::Mutex with real deadlines.
//
// A long wait is cut into slices of at most kMaxWaitSlice, re-reading absl::Now() between them,
// so a step of the system clock delays a wakeup by at most that much (client-go's delaying
// queue keeps a 10s heartbeat for the same reason).
class RealClock final : public Clock {
 public:
  static constexpr absl::Duration kMaxWaitSlice = absl::Seconds(10);

  absl::Time Now() const override;
  bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) override;
};

}  // namespace kube

#endif  // KUBECPP_BASE_CLOCK_H_
