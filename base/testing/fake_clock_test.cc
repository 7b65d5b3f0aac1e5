#include "base/testing/fake_clock.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "gtest/gtest.h"

namespace kube::testing {
namespace {

constexpr absl::Time kStart = FakeClock::kDefaultStart;

TEST(FakeClockTest, TimeMovesOnlyWhenTold) {
  FakeClock clock;
  EXPECT_EQ(clock.Now(), kStart);
  clock.Advance(absl::Seconds(3));
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(3));
  clock.Advance(-absl::Seconds(1));  // negative advances are ignored
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(3));
  clock.SetTime(kStart - absl::Hours(1));  // SetTime may go backwards
  EXPECT_EQ(clock.Now(), kStart - absl::Hours(1));
}

TEST(FakeClockTest, StartTimeIsConfigurable) {
  FakeClock clock(absl::UnixEpoch());
  EXPECT_EQ(clock.Now(), absl::UnixEpoch());
}

TEST(FakeClockTest, ReachedDeadlineReturnsAtOnceWithoutWaiting) {
  FakeClock clock;
  absl::Mutex mu;
  bool no = false;
  bool yes = true;
  MutexLock lock(&mu);
  EXPECT_FALSE(clock.AwaitWithDeadline(mu, absl::Condition(&no), kStart));
  EXPECT_TRUE(clock.AwaitWithDeadline(mu, absl::Condition(&yes), kStart + absl::Hours(1)));
  EXPECT_FALSE(clock.HasWaiters());
}

// Runs AwaitWithDeadline on a thread and records its result.
class BackgroundWaiter {
 public:
  BackgroundWaiter(FakeClock& clock, absl::Time deadline)
      : thread_([this, &clock, deadline] {
          MutexLock lock(&mu_);
          const bool result = clock.AwaitWithDeadline(mu_, absl::Condition(&ready_), deadline);
          result_ = result ? 1 : 0;
        }) {}
  ~BackgroundWaiter() { Join(); }

  void MakeReady() {
    MutexLock lock(&mu_);
    ready_ = true;
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  // -1 while still waiting, then 1 (condition) or 0 (deadline).
  int result() {
    MutexLock lock(&mu_);
    return result_;
  }

 private:
  absl::Mutex mu_;
  bool ready_ = false;
  int result_ = -1;
  std::thread thread_;
};

TEST(FakeClockTest, WaiterWakesWhenTimeReachesItsDeadline) {
  FakeClock clock;
  BackgroundWaiter waiter(clock, kStart + absl::Seconds(1));
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  EXPECT_EQ(clock.NextDeadline(), kStart + absl::Seconds(1));

  clock.Advance(absl::Milliseconds(999));
  EXPECT_EQ(clock.WaitersCount(), 1);
  EXPECT_EQ(waiter.result(), -1);

  clock.Advance(absl::Milliseconds(1));
  // The woken waiter stops counting at once, before it even runs.
  EXPECT_EQ(clock.WaitersCount(), 0);
  waiter.Join();
  EXPECT_EQ(waiter.result(), 0);
}

TEST(FakeClockTest, ConditionWakesWaiterBeforeItsDeadline) {
  FakeClock clock;
  BackgroundWaiter waiter(clock, kStart + absl::Hours(1));
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  waiter.MakeReady();
  waiter.Join();
  EXPECT_EQ(waiter.result(), 1);
  EXPECT_EQ(clock.WaitersCount(), 0);
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(FakeClockTest, InfiniteDeadlineWaitsForTheConditionAlone) {
  FakeClock clock;
  BackgroundWaiter waiter(clock, absl::InfiniteFuture());
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  clock.Advance(absl::Hours(24 * 365));
  EXPECT_EQ(clock.WaitersCount(), 1);
  EXPECT_EQ(waiter.result(), -1);
  waiter.MakeReady();
  waiter.Join();
  EXPECT_EQ(waiter.result(), 1);
}

TEST(FakeClockTest, AdvanceWakesOnlyTheWaitersThatAreDue) {
  FakeClock clock;
  BackgroundWaiter early(clock, kStart + absl::Seconds(1));
  BackgroundWaiter late(clock, kStart + absl::Seconds(5));
  ASSERT_TRUE(clock.BlockUntilWaiters(2));
  EXPECT_EQ(clock.NextDeadline(), kStart + absl::Seconds(1));

  clock.Advance(absl::Seconds(2));
  early.Join();
  EXPECT_EQ(early.result(), 0);
  EXPECT_EQ(late.result(), -1);
  EXPECT_EQ(clock.WaitersCount(), 1);
  EXPECT_EQ(clock.NextDeadline(), kStart + absl::Seconds(5));

  clock.SetTime(kStart + absl::Seconds(5));
  late.Join();
  EXPECT_EQ(late.result(), 0);
  EXPECT_FALSE(clock.HasWaiters());
}

TEST(FakeClockTest, SettingTimeBackwardsWakesNobody) {
  FakeClock clock;
  BackgroundWaiter waiter(clock, kStart + absl::Seconds(1));
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  clock.SetTime(kStart - absl::Seconds(10));
  EXPECT_EQ(clock.WaitersCount(), 1);
  EXPECT_EQ(waiter.result(), -1);
  clock.Advance(absl::Seconds(11));
  waiter.Join();
  EXPECT_EQ(waiter.result(), 0);
}

TEST(FakeClockTest, SleepForReturnsWhenTimeIsAdvanced) {
  FakeClock clock;
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepFor(absl::Minutes(5));
    woke = true;
  });
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  clock.Advance(absl::Minutes(4));
  EXPECT_FALSE(woke.load());
  clock.Advance(absl::Minutes(1));
  sleeper.join();
  EXPECT_TRUE(woke.load());
}

TEST(FakeClockTest, BlockUntilDeadlineSeesTheArmedDeadline) {
  FakeClock clock;
  EXPECT_FALSE(clock.BlockUntilDeadline(kStart + absl::Seconds(1), absl::Milliseconds(10)));
  BackgroundWaiter waiter(clock, kStart + absl::Seconds(1));
  EXPECT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(1)));
  EXPECT_FALSE(clock.BlockUntilDeadline(kStart + absl::Seconds(2), absl::Milliseconds(10)));
  clock.Advance(absl::Seconds(1));
  waiter.Join();
  // A fired waiter no longer counts.
  EXPECT_FALSE(clock.BlockUntilDeadline(kStart + absl::Seconds(1), absl::Milliseconds(10)));
}

TEST(FakeClockTest, BlockUntilWaitersTimesOutWhenNobodyWaits) {
  FakeClock clock;
  EXPECT_FALSE(clock.BlockUntilWaiters(1, absl::Milliseconds(10)));
}

// A waiter's mutex commonly dies right after the wait returns (a stack mutex, a destroyed
// object). Advance must be done with it by then; ASan/TSan runs of this test catch it if not.
TEST(FakeClockTest, WaiterMutexMayBeDestroyedRightAfterTheWaitReturns) {
  FakeClock clock;
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    for (int i = 0; i < 2000; ++i) {
      auto mu = std::make_unique<absl::Mutex>();
      bool never = false;
      LockMutex(*mu);
      clock.AwaitWithDeadline(*mu, absl::Condition(&never), clock.Now() + absl::Nanoseconds(1));
      UnlockMutex(*mu);
    }
    done = true;
  });
  std::thread advancer([&] {
    while (!done.load()) clock.Advance(absl::Nanoseconds(1));
  });
  waiter.join();
  advancer.join();
  EXPECT_FALSE(clock.HasWaiters());
}

}  // namespace
}  // namespace kube::testing
