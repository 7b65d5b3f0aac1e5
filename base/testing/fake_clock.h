// kube::testing::FakeClock — a Clock whose time moves only when a test says so.
//
// Components under test wait on it through Clock::AwaitWithDeadline; the test moves time with
// Advance() or SetTime(), which wakes every waiter whose deadline has been reached. A test learns
// that a component has gone back to waiting (for example the delaying queue's timer thread after
// it moved due items) from WaitersCount() / BlockUntilWaiters(), never from a real-time sleep:
//
//   kube::testing::FakeClock clock;
//   auto queue = kube::workqueue::NewDelayingQueue<std::string>({.clock = &clock});
//   queue->AddAfter("a", absl::Seconds(1));
//   clock.Advance(absl::Seconds(1));
//   EXPECT_EQ(queue->Get(), "a");   // Get blocks until the timer thread has moved "a"
//
// Thread-safety: every method may be called from any thread. Do not call Advance()/SetTime()
// while holding a mutex that some thread waits with: waking a waiter briefly locks its mutex.
#ifndef KUBECPP_BASE_TESTING_FAKE_CLOCK_H_
#define KUBECPP_BASE_TESTING_FAKE_CLOCK_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::testing {

class FakeClock final : public Clock {
 public:
  // The default start is an arbitrary fixed instant, so tests print stable times.
  static constexpr absl::Time kDefaultStart = absl::FromUnixSeconds(1700000000);

  explicit FakeClock(absl::Time start = kDefaultStart);
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;
  // Destroying the clock while a thread still waits on it is a bug in the test.
  ~FakeClock() override;

  absl::Time Now() const override;
  bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) override;

  // Advance moves time forward by `d` (negative is treated as zero) and wakes the waiters whose
  // deadline is now reached. It returns once each of them has been notified (their condition
  // re-evaluated), not necessarily once they have run.
  void Advance(absl::Duration d);

  // SetTime sets the time, forwards or backwards, waking waiters as Advance does.
  void SetTime(absl::Time t);

  // WaitersCount is the number of threads blocked in AwaitWithDeadline whose deadline has not
  // been reached (infinite deadlines included). A waiter woken by Advance stops counting at once,
  // so "count went back to N" means the woken threads have done their work and waited again.
  int WaitersCount() const;
  bool HasWaiters() const { return WaitersCount() > 0; }

  // BlockUntilWaiters blocks (in real time) until WaitersCount() >= n or `timeout` of real time
  // has passed; returns whether the count was reached. The timeout only turns a hung test into
  // a failed one.
  bool BlockUntilWaiters(int n, absl::Duration timeout = absl::Seconds(10)) const;

  // BlockUntilDeadline blocks (in real time) until some counted waiter waits for exactly
  // `deadline`, or `timeout` has passed; returns whether it happened. Use it to learn that a
  // component has armed its timer for the time the test expects, e.g. after a re-add that must
  // keep the earlier of two times.
  bool BlockUntilDeadline(absl::Time deadline, absl::Duration timeout = absl::Seconds(10)) const;

  // NextDeadline is the earliest deadline among the counted waiters, or InfiniteFuture().
  absl::Time NextDeadline() const;

 private:
  struct Waiter;

  void SetTimeAndWake(absl::Time t);

  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  std::vector<Waiter*> waiters_ ABSL_GUARDED_BY(mu_);  // registered, fired or not
  int active_waiters_ ABSL_GUARDED_BY(mu_) = 0;        // registered and not fired
};

}  // namespace kube::testing

#endif  // KUBECPP_BASE_TESTING_FAKE_CLOCK_H_
