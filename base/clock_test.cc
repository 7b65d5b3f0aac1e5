#include "base/clock.h"

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "gtest/gtest.h"

namespace kube {
namespace {

TEST(RealClockTest, NowFollowsAbslNow) {
  const absl::Time before = absl::Now();
  const absl::Time now = Clock::Real().Now();
  const absl::Time after = absl::Now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(RealClockTest, RealIsOneInstance) { EXPECT_EQ(&Clock::Real(), &Clock::Real()); }

TEST(RealClockTest, AwaitWithDeadlineTimesOut) {
  Clock& clock = Clock::Real();
  absl::Mutex mu;
  bool never = false;
  MutexLock lock(&mu);
  const absl::Time start = clock.Now();
  EXPECT_FALSE(
      clock.AwaitWithDeadline(mu, absl::Condition(&never), start + absl::Milliseconds(20)));
  EXPECT_GE(clock.Now() - start, absl::Milliseconds(20));
}

TEST(RealClockTest, AwaitWithDeadlineReturnsWhenConditionHolds) {
  Clock& clock = Clock::Real();
  absl::Mutex mu;
  bool ready = false;
  std::thread setter([&] {
    MutexLock lock(&mu);
    ready = true;
  });
  {
    MutexLock lock(&mu);
    // An infinite deadline waits for the condition alone (in kMaxWaitSlice slices).
    EXPECT_TRUE(clock.AwaitWithDeadline(mu, absl::Condition(&ready), absl::InfiniteFuture()));
  }
  setter.join();
}

TEST(RealClockTest, PastDeadlineReturnsAtOnceWithTheConditionValue) {
  Clock& clock = Clock::Real();
  absl::Mutex mu;
  bool yes = true;
  bool no = false;
  MutexLock lock(&mu);
  EXPECT_TRUE(clock.AwaitWithDeadline(mu, absl::Condition(&yes), absl::InfinitePast()));
  EXPECT_FALSE(clock.AwaitWithDeadline(mu, absl::Condition(&no), absl::InfinitePast()));
}

TEST(RealClockTest, SleepForSleepsAtLeastTheDuration) {
  Clock& clock = Clock::Real();
  const absl::Time start = clock.Now();
  clock.SleepFor(absl::Milliseconds(15));
  EXPECT_GE(clock.Now() - start, absl::Milliseconds(15));
}

}  // namespace
}  // namespace kube
