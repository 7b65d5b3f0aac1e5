#include "workqueue/token_bucket.h"

#include <limits>

#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace kube::workqueue {
namespace {

using kube::testing::FakeClock;

TEST(TokenBucketTest, StartsFullThenSpacesReservationsByOneOverQps) {
  FakeClock clock;
  TokenBucket bucket(10, 100, &clock);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(bucket.Reserve(), absl::ZeroDuration()) << i;
  // Reservations into the future queue up, like rate.Limiter.Reserve().Delay().
  EXPECT_EQ(bucket.Reserve(), absl::Milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), absl::Milliseconds(200));
  EXPECT_EQ(bucket.Reserve(), absl::Milliseconds(300));
}

TEST(TokenBucketTest, RefillsAtQpsAndPaysBackFutureReservationsFirst) {
  FakeClock clock;
  TokenBucket bucket(10, 100, &clock);
  for (int i = 0; i < 103; ++i) bucket.Reserve();  // 3 tokens in debt
  clock.Advance(absl::Seconds(1));                 // +10 tokens: 7 available
  for (int i = 0; i < 7; ++i) ASSERT_EQ(bucket.Reserve(), absl::ZeroDuration()) << i;
  EXPECT_EQ(bucket.Reserve(), absl::Milliseconds(100));
}

TEST(TokenBucketTest, RefillNeverExceedsBurst) {
  FakeClock clock;
  TokenBucket bucket(1, 2, &clock);
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  clock.Advance(absl::Hours(1));
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.Reserve(), absl::Seconds(1));
}

TEST(TokenBucketTest, FractionalRefill) {
  FakeClock clock;
  TokenBucket bucket(4, 1, &clock);
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  clock.Advance(absl::Milliseconds(125));  // half a token
  EXPECT_EQ(bucket.Reserve(), absl::Milliseconds(125));
}

TEST(TokenBucketTest, ClockGoingBackwardsEarnsNothing) {
  FakeClock clock;
  TokenBucket bucket(1, 1, &clock);
  EXPECT_EQ(bucket.Reserve(), absl::ZeroDuration());
  clock.SetTime(FakeClock::kDefaultStart - absl::Hours(1));
  EXPECT_EQ(bucket.Reserve(), absl::Seconds(1));
}

TEST(TokenBucketTest, TryAcceptTakesOnlyAvailableTokens) {
  FakeClock clock;
  TokenBucket bucket(1, 2, &clock);
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_FALSE(bucket.TryAccept());
  clock.Advance(absl::Milliseconds(999));
  EXPECT_FALSE(bucket.TryAccept());
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(bucket.TryAccept());
}

TEST(TokenBucketTest, EdgeCasesFollowXTimeRate) {
  FakeClock clock;
  TokenBucket unlimited(std::numeric_limits<double>::infinity(), 0, &clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(unlimited.Reserve(), absl::ZeroDuration());
  EXPECT_TRUE(unlimited.TryAccept());

  TokenBucket no_burst(10, 0, &clock);
  EXPECT_EQ(no_burst.Reserve(), absl::InfiniteDuration());
  EXPECT_FALSE(no_burst.TryAccept());

  TokenBucket no_refill(0, 2, &clock);
  EXPECT_EQ(no_refill.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(no_refill.Reserve(), absl::ZeroDuration());
  clock.Advance(absl::Hours(1));
  EXPECT_EQ(no_refill.Reserve(), absl::InfiniteDuration());
}

}  // namespace
}  // namespace kube::workqueue
