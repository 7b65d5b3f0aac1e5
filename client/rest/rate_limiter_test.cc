#include "client/rest/rate_limiter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using kube::testing::FakeClock;

std::unique_ptr<RateLimiter> Bucket(double qps, int burst, Clock* clock) {
  absl::StatusOr<std::unique_ptr<RateLimiter>> limiter =
      NewTokenBucketRateLimiter(qps, burst, clock);
  EXPECT_TRUE(limiter.ok()) << limiter.status();
  return limiter.ok() ? *std::move(limiter) : nullptr;
}

TEST(TokenBucketTest, StartsFullAndRefillsAtQps) {
  FakeClock clock;
  auto limiter = Bucket(2, 3, &clock);
  EXPECT_TRUE(limiter->TryAccept());
  EXPECT_TRUE(limiter->TryAccept());
  EXPECT_TRUE(limiter->TryAccept());
  EXPECT_FALSE(limiter->TryAccept());
  clock.Advance(absl::Milliseconds(499));
  EXPECT_FALSE(limiter->TryAccept());
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limiter->TryAccept());
  EXPECT_FALSE(limiter->TryAccept());
}

TEST(TokenBucketTest, RefillIsCappedAtBurst) {
  FakeClock clock;
  auto limiter = Bucket(100, 4, &clock);
  clock.Advance(absl::Hours(1));
  int accepted = 0;
  while (limiter->TryAccept()) ++accepted;
  EXPECT_EQ(accepted, 4);
}

TEST(TokenBucketTest, WaitReturnsAtOnceWhileTokensLast) {
  FakeClock clock;
  auto limiter = Bucket(1, 2, &clock);
  EXPECT_TRUE(limiter->Wait(absl::InfiniteFuture()).ok());
  EXPECT_TRUE(limiter->Wait(clock.Now()).ok());  // a token now needs no time
  EXPECT_FALSE(clock.HasWaiters());
}

TEST(TokenBucketTest, WaitSleepsOnTheClockUntilTheTokenRefills) {
  FakeClock clock;
  auto limiter = Bucket(2, 1, &clock);
  ASSERT_TRUE(limiter->TryAccept());
  const absl::Time start = clock.Now();
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    EXPECT_TRUE(limiter->Wait(absl::InfiniteFuture()).ok());
    done = true;
  });
  ASSERT_TRUE(clock.BlockUntilWaiters(1));
  EXPECT_EQ(clock.NextDeadline(), start + absl::Milliseconds(500));
  clock.Advance(absl::Milliseconds(499));
  EXPECT_FALSE(done);
  clock.Advance(absl::Milliseconds(1));
  waiter.join();
  EXPECT_TRUE(done);
}

TEST(TokenBucketTest, WaitersReserveConsecutiveSlots) {
  FakeClock clock;
  auto limiter = Bucket(4, 1, &clock);
  ASSERT_TRUE(limiter->TryAccept());
  const absl::Time start = clock.Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(limiter->Wait(absl::InfiniteFuture()).ok()); });
    ASSERT_TRUE(clock.BlockUntilWaiters(i + 1));
  }
  // Three waiters hold the slots at 250, 500 and 750 ms; the next one would get 1 s.
  EXPECT_EQ(clock.NextDeadline(), start + absl::Milliseconds(250));
  EXPECT_FALSE(limiter->TryAccept());
  absl::Status late = limiter->Wait(start + absl::Milliseconds(999));
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << late;
  clock.Advance(absl::Milliseconds(250));
  ASSERT_TRUE(clock.BlockUntilWaiters(2));
  EXPECT_EQ(clock.NextDeadline(), start + absl::Milliseconds(500));
  clock.Advance(absl::Milliseconds(500));
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(limiter->TryAccept());  // 750 ms: the last reserved slot was just used
  clock.Advance(absl::Milliseconds(250));
  EXPECT_TRUE(limiter->TryAccept());  // 1 s: the slot the late waiter did not take
}

TEST(TokenBucketTest, WaitPastTheDeadlineFailsWithoutTakingAToken) {
  FakeClock clock;
  auto limiter = Bucket(1, 1, &clock);
  ASSERT_TRUE(limiter->TryAccept());
  absl::Status s = limiter->Wait(clock.Now() + absl::Milliseconds(500));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(clock.HasWaiters());
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter->TryAccept());
}

TEST(TokenBucketTest, ClockGoingBackwardsRefillsNothing) {
  FakeClock clock;
  auto limiter = Bucket(1, 1, &clock);
  ASSERT_TRUE(limiter->TryAccept());
  clock.SetTime(clock.Now() - absl::Hours(1));
  EXPECT_FALSE(limiter->TryAccept());
  clock.SetTime(clock.Now() + absl::Hours(1));
  EXPECT_FALSE(limiter->TryAccept());  // back where we were: still no token
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter->TryAccept());
}

TEST(TokenBucketTest, RejectsBadParameters) {
  EXPECT_FALSE(NewTokenBucketRateLimiter(0, 1).ok());
  EXPECT_FALSE(NewTokenBucketRateLimiter(-1, 1).ok());
  EXPECT_FALSE(NewTokenBucketRateLimiter(NAN, 1).ok());
  EXPECT_FALSE(NewTokenBucketRateLimiter(INFINITY, 1).ok());
  EXPECT_FALSE(NewTokenBucketRateLimiter(1, 0).ok());
}

TEST(RateLimiterForConfigTest, ZeroMeansClientGoDefaults) {
  FakeClock clock;
  absl::StatusOr<std::shared_ptr<RateLimiter>> limiter = RateLimiterForConfig(0, 0, &clock);
  ASSERT_TRUE(limiter.ok()) << limiter.status();
  EXPECT_EQ((*limiter)->Qps(), kDefaultQps);
  int accepted = 0;
  while ((*limiter)->TryAccept()) ++accepted;
  EXPECT_EQ(accepted, kDefaultBurst);
  clock.Advance(absl::Milliseconds(200));  // 1 / 5 qps
  EXPECT_TRUE((*limiter)->TryAccept());
}

TEST(RateLimiterForConfigTest, ExplicitValuesAndBurstDefault) {
  FakeClock clock;
  auto limiter = RateLimiterForConfig(50, 0, &clock);
  ASSERT_TRUE(limiter.ok());
  EXPECT_EQ((*limiter)->Qps(), 50);
  int accepted = 0;
  while ((*limiter)->TryAccept()) ++accepted;
  EXPECT_EQ(accepted, kDefaultBurst);
}

TEST(RateLimiterForConfigTest, NegativeQpsDisablesLimiting) {
  auto limiter = RateLimiterForConfig(-1, 0);
  ASSERT_TRUE(limiter.ok());
  EXPECT_TRUE(std::isinf((*limiter)->Qps()));
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE((*limiter)->TryAccept());
  EXPECT_TRUE((*limiter)->Wait(absl::InfinitePast()).ok());
}

TEST(RateLimiterForConfigTest, RejectsNegativeBurstAndNan) {
  EXPECT_EQ(RateLimiterForConfig(5, -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RateLimiterForConfig(NAN, 1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kube::rest
