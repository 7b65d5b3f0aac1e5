#include "base/testing/fake_clock.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "base/sync.h"

namespace kube::testing {

// Waiter is one thread blocked in AwaitWithDeadline; it lives on that thread's stack.
//
// Waking it takes two steps on the advancing thread: set `fired`, then lock and unlock the
// waiter's own mutex, because absl::Mutex re-evaluates a waiter's condition only when that mutex
// is released. The second step happens without the clock's lock (the waiter holds its mutex
// while it takes the clock's lock, so the other order would deadlock). `notifying` counts
// advancing threads between the two steps; the waiter does not return (and so neither it nor,
// usually, its mutex is destroyed) until that count is zero.
struct FakeClock::Waiter {
  absl::Mutex* mu;
  absl::Time deadline;
  // Read by the condition under `mu`, written under the clock's lock: hence atomic.
  std::atomic<bool> fired{false};
  int notifying = 0;  // guarded by the clock's mu_
  const absl::Condition* cond;
};

FakeClock::FakeClock(absl::Time start) : now_(start) {}

FakeClock::~FakeClock() {
  MutexLock lock(&mu_);
  if (!waiters_.empty()) {
    // A thread still blocked on this clock would touch freed memory when it wakes.
    std::abort();
  }
}

absl::Time FakeClock::Now() const {
  MutexLock lock(&mu_);
  return now_;
}

bool FakeClock::AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                  absl::Time deadline) {
  if (cond.Eval()) return true;
  Waiter waiter{&mu, deadline};
  waiter.cond = &cond;
  {
    MutexLock lock(&mu_);
    if (now_ >= deadline) return false;
    waiters_.push_back(&waiter);
    ++active_waiters_;
  }

  AwaitCondition(mu, absl::Condition(
                         +[](Waiter* w) {
                           return w->fired.load(std::memory_order_acquire) || w->cond->Eval();
                         },
                         &waiter));

  bool notify_in_flight;
  {
    MutexLock lock(&mu_);
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
    if (!waiter.fired.load(std::memory_order_relaxed)) --active_waiters_;
    notify_in_flight = waiter.notifying > 0;
  }
  if (notify_in_flight) {
    // An advancing thread is about to lock `mu`, which we hold: let it through, and wait until it
    // is done with `waiter` and `mu` before this frame (and maybe the caller's mutex) goes away.
    UnlockMutex(mu);
    {
      MutexLock lock(&mu_);
      AwaitCondition(mu_, absl::Condition(
                              +[](Waiter* w) { return w->notifying == 0; }, &waiter));
    }
    LockMutex(mu);
  }
  return cond.Eval();
}

void FakeClock::Advance(absl::Duration d) {
  absl::Time target;
  {
    MutexLock lock(&mu_);
    target = now_ + std::max(d, absl::ZeroDuration());
  }
  SetTimeAndWake(target);
}

void FakeClock::SetTime(absl::Time t) { SetTimeAndWake(t); }

void FakeClock::SetTimeAndWake(absl::Time t) {
  std::vector<Waiter*> due;
  {
    MutexLock lock(&mu_);
    now_ = t;
    for (Waiter* w : waiters_) {
      if (w->deadline <= now_ && !w->fired.load(std::memory_order_relaxed)) {
        w->fired.store(true, std::memory_order_release);
        ++w->notifying;
        --active_waiters_;
        due.push_back(w);
      }
    }
  }
  // Earliest deadline first, so a test sees waiters woken in time order.
  std::stable_sort(due.begin(), due.end(),
                   [](const Waiter* a, const Waiter* b) { return a->deadline < b->deadline; });
  for (Waiter* w : due) {
    // Releasing the waiter's mutex makes Abseil re-evaluate its condition, which now holds.
    LockMutex(*w->mu);
    UnlockMutex(*w->mu);
  }
  if (due.empty()) return;
  MutexLock lock(&mu_);
  for (Waiter* w : due) --w->notifying;
}

int FakeClock::WaitersCount() const {
  MutexLock lock(&mu_);
  return active_waiters_;
}

bool FakeClock::BlockUntilWaiters(int n, absl::Duration timeout) const {
  MutexLock lock(&mu_);
  struct Args {
    const FakeClock* clock;
    int n;
  } args{this, n};
  return AwaitConditionWithDeadline(
      mu_,
      absl::Condition(
          +[](Args* a) { return a->clock->active_waiters_ >= a->n; }, &args),
      absl::Now() + timeout);
}

bool FakeClock::BlockUntilDeadline(absl::Time deadline, absl::Duration timeout) const {
  MutexLock lock(&mu_);
  struct Args {
    const FakeClock* clock;
    absl::Time deadline;
  } args{this, deadline};
  return AwaitConditionWithDeadline(
      mu_,
      absl::Condition(
          +[](Args* a) {
            for (const Waiter* w : a->clock->waiters_) {
              if (w->deadline == a->deadline && !w->fired.load(std::memory_order_relaxed)) {
                return true;
              }
            }
            return false;
          },
          &args),
      absl::Now() + timeout);
}

absl::Time FakeClock::NextDeadline() const {
  MutexLock lock(&mu_);
  absl::Time next = absl::InfiniteFuture();
  for (const Waiter* w : waiters_) {
    if (!w->fired.load(std::memory_order_relaxed)) next = std::min(next, w->deadline);
  }
  return next;
}

}  // namespace kube::testing
