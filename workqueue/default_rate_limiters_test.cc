#include "workqueue/default_rate_limiters.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "workqueue/rate_limiter.h"

namespace kube::workqueue {
namespace {

using kube::testing::FakeClock;

TEST(ItemExponentialFailureRateLimiterTest, DoublesFromFiveMillisecondsPerItem) {
  ItemExponentialFailureRateLimiter<std::string> limiter;
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(10));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(20));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(40));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(80));
  EXPECT_EQ(limiter.NumRequeues("a"), 5);
  // Items are independent.
  EXPECT_EQ(limiter.When("b"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.NumRequeues("b"), 1);
  EXPECT_EQ(limiter.NumRequeues("never-seen"), 0);
}

TEST(ItemExponentialFailureRateLimiterTest, IsCappedAtMaxDelay) {
  ItemExponentialFailureRateLimiter<std::string> limiter(absl::Milliseconds(1), absl::Seconds(1));
  absl::Duration last;
  for (int i = 0; i < 10; ++i) last = limiter.When("a");
  EXPECT_EQ(last, absl::Milliseconds(512));
  EXPECT_EQ(limiter.When("a"), absl::Seconds(1));  // 1024ms capped
  EXPECT_EQ(limiter.When("a"), absl::Seconds(1));
}

TEST(ItemExponentialFailureRateLimiterTest, DefaultCapIs1000SecondsAndNeverOverflows) {
  ItemExponentialFailureRateLimiter<std::string> limiter;
  // Exponents far beyond 63 must neither wrap to a small/negative delay nor exceed the cap.
  for (int i = 0; i < 200; ++i) {
    const absl::Duration d = limiter.When("a");
    ASSERT_GT(d, absl::ZeroDuration()) << i;
    ASSERT_LE(d, absl::Seconds(1000)) << i;
    if (i >= 18) {
      ASSERT_EQ(d, absl::Seconds(1000)) << i;  // 5ms * 2^18 > 1000s
    }
  }
  EXPECT_EQ(limiter.NumRequeues("a"), 200);
}

TEST(ItemExponentialFailureRateLimiterTest, ForgetResetsAndFreesTheItem) {
  ItemExponentialFailureRateLimiter<std::string> limiter;
  for (int i = 0; i < 100; ++i) limiter.When(absl::StrCat("item-", i));
  limiter.When("item-0");
  EXPECT_EQ(limiter.NumTrackedItems(), 100u);
  limiter.Forget("item-0");
  EXPECT_EQ(limiter.NumRequeues("item-0"), 0);
  EXPECT_EQ(limiter.When("item-0"), absl::Milliseconds(5));  // starts over
  for (int i = 0; i < 100; ++i) limiter.Forget(absl::StrCat("item-", i));
  EXPECT_EQ(limiter.NumTrackedItems(), 0u);  // nothing left behind
  limiter.Forget("never-seen");              // harmless
}

TEST(ItemFastSlowRateLimiterTest, FastThenSlow) {
  ItemFastSlowRateLimiter<std::string> limiter(absl::Milliseconds(5), absl::Seconds(10), 3);
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When("a"), absl::Seconds(10));
  EXPECT_EQ(limiter.When("a"), absl::Seconds(10));
  EXPECT_EQ(limiter.NumRequeues("a"), 5);
  EXPECT_EQ(limiter.When("b"), absl::Milliseconds(5));
  limiter.Forget("a");
  EXPECT_EQ(limiter.NumRequeues("a"), 0);
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  limiter.Forget("a");
  limiter.Forget("b");
  EXPECT_EQ(limiter.NumTrackedItems(), 0u);
}

TEST(BucketRateLimiterTest, DelaysOnceTheBurstIsSpentWhateverTheItem) {
  FakeClock clock;
  BucketRateLimiter<std::string> limiter(&clock);  // 10 qps, burst 100
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limiter.When(absl::StrCat("item-", i)), absl::ZeroDuration()) << i;
  }
  EXPECT_EQ(limiter.When("x"), absl::Milliseconds(100));
  EXPECT_EQ(limiter.When("x"), absl::Milliseconds(200));
  EXPECT_EQ(limiter.NumRequeues("x"), 0);  // no per-item state
  limiter.Forget("x");
  EXPECT_EQ(limiter.When("y"), absl::Milliseconds(300));  // Forget does not refund
  clock.Advance(absl::Milliseconds(300));
  EXPECT_EQ(limiter.When("z"), absl::Milliseconds(100));
}

TEST(MaxOfRateLimiterTest, TakesTheLongestDelayAndForgetsEverywhere) {
  auto exponential = std::make_shared<ItemExponentialFailureRateLimiter<std::string>>(
      absl::Milliseconds(1), absl::Seconds(100));
  auto fast_slow = std::make_shared<ItemFastSlowRateLimiter<std::string>>(absl::Milliseconds(3),
                                                                          absl::Seconds(10), 2);
  MaxOfRateLimiter<std::string> limiter({exponential, fast_slow});

  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(3));  // max(1ms, 3ms)
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(3));  // max(2ms, 3ms)
  EXPECT_EQ(limiter.When("a"), absl::Seconds(10));      // max(4ms, 10s)
  // Every limiter saw every failure.
  EXPECT_EQ(exponential->NumRequeues("a"), 3);
  EXPECT_EQ(fast_slow->NumRequeues("a"), 3);
  EXPECT_EQ(limiter.NumRequeues("a"), 3);

  limiter.Forget("a");
  EXPECT_EQ(limiter.NumRequeues("a"), 0);
  EXPECT_EQ(exponential->NumTrackedItems(), 0u);
  EXPECT_EQ(fast_slow->NumTrackedItems(), 0u);
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(3));
}

TEST(MaxOfRateLimiterTest, NumRequeuesIsTheLargestCount) {
  auto a = std::make_shared<ItemFastSlowRateLimiter<std::string>>(absl::ZeroDuration(),
                                                                  absl::ZeroDuration(), 1);
  auto b = std::make_shared<ItemFastSlowRateLimiter<std::string>>(absl::ZeroDuration(),
                                                                  absl::ZeroDuration(), 1);
  MaxOfRateLimiter<std::string> limiter({a, b});
  a->When("x");
  a->When("x");
  b->When("x");
  EXPECT_EQ(limiter.NumRequeues("x"), 2);
}

TEST(DefaultControllerRateLimiterTest, IsExponentialPerItemAndTenQpsOverall) {
  FakeClock clock;
  auto limiter = DefaultControllerRateLimiter<std::string>(&clock);
  // One item failing: the exponential backoff dominates (the bucket has 100 tokens).
  EXPECT_EQ(limiter->When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter->When("a"), absl::Milliseconds(10));
  EXPECT_EQ(limiter->When("a"), absl::Milliseconds(20));
  EXPECT_EQ(limiter->NumRequeues("a"), 3);
  limiter->Forget("a");
  EXPECT_EQ(limiter->NumRequeues("a"), 0);
  // Many items failing once: 97 tokens are left, then 10 per second.
  for (int i = 0; i < 97; ++i) {
    ASSERT_EQ(limiter->When(absl::StrCat("item-", i)), absl::Milliseconds(5)) << i;
  }
  EXPECT_EQ(limiter->When("one-too-many"), absl::Milliseconds(100));
  EXPECT_EQ(limiter->When("two-too-many"), absl::Milliseconds(200));
}

TEST(DefaultControllerRateLimiterTest, ReachesTheThousandSecondCap) {
  FakeClock clock;
  auto limiter = DefaultControllerRateLimiter<std::string>(&clock);
  absl::Duration d;
  for (int i = 0; i < 30; ++i) {
    d = limiter->When("a");
    clock.Advance(absl::Seconds(1));  // keep the bucket out of the picture
  }
  EXPECT_EQ(d, absl::Seconds(1000));
}

// The typed variant: any absl-hashable key.
TEST(TypedRateLimiterTest, KeysOnTheQueueItemType) {
  ItemExponentialFailureRateLimiter<int> limiter;
  EXPECT_EQ(limiter.When(7), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When(7), absl::Milliseconds(10));
  EXPECT_EQ(limiter.When(8), absl::Milliseconds(5));
  std::shared_ptr<RateLimiter<std::pair<std::string, std::string>>> by_object =
      DefaultControllerRateLimiter<std::pair<std::string, std::string>>();
  EXPECT_EQ(by_object->When({"default", "web"}), absl::Milliseconds(5));
  EXPECT_EQ(by_object->NumRequeues({"default", "web"}), 1);
}

}  // namespace
}  // namespace kube::workqueue
