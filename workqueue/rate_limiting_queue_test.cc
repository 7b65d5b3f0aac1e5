#include "workqueue/rate_limiting_queue.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "workqueue/default_rate_limiters.h"

namespace kube::workqueue {
namespace {

using internal::RateLimitingQueueImpl;
using kube::testing::FakeClock;

constexpr absl::Time kStart = FakeClock::kDefaultStart;

TEST(RateLimitingQueueTest, AddRateLimitedBacksOffAndForgetStartsOver) {
  FakeClock clock;
  auto limiter = std::make_shared<ItemExponentialFailureRateLimiter<std::string>>(absl::Seconds(1),
                                                                                  absl::Minutes(1));
  auto q = NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}, .rate_limiter = limiter});

  q->AddRateLimited("a");  // 1s
  EXPECT_EQ(q->NumRequeues("a"), 1);
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(1)));
  EXPECT_EQ(q->Len(), 0u);
  clock.Advance(absl::Seconds(1));
  ASSERT_EQ(q->Get(), "a");
  q->Done("a");

  q->AddRateLimited("a");  // 2s
  EXPECT_EQ(q->NumRequeues("a"), 2);
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(3)));
  clock.Advance(absl::Seconds(2));
  ASSERT_EQ(q->Get(), "a");
  q->Done("a");

  q->Forget("a");
  EXPECT_EQ(q->NumRequeues("a"), 0);
  EXPECT_EQ(limiter->NumTrackedItems(), 0u);  // the limiter holds nothing for "a" any more
  q->AddRateLimited("a");                     // 1s again
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(4)));
}

TEST(RateLimitingQueueTest, UsesTheDefaultControllerRateLimiterWhenNoneIsGiven) {
  FakeClock clock;
  auto q = NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}});
  q->AddRateLimited("a");
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Milliseconds(5)));
  q->AddRateLimited("b");
  q->AddRateLimited("b");  // 10ms, but "b" is waiting for 5ms already: stays at 5ms
  EXPECT_EQ(q->NumRequeues("b"), 2);
  clock.Advance(absl::Milliseconds(5));
  EXPECT_EQ(q->Get(), "a");
  EXPECT_EQ(q->Get(), "b");
}

TEST(RateLimitingQueueTest, RepeatedFailuresOfAWaitingItemKeepItsEarlierTime) {
  FakeClock clock;
  auto limiter =
      std::make_shared<ItemFastSlowRateLimiter<std::string>>(absl::Seconds(1), absl::Hours(1), 1);
  RateLimitingQueueImpl<std::string> q({.clock = &clock}, limiter);
  q.AddRateLimited("a");  // 1s
  q.AddRateLimited("a");  // 1h: later, ignored
  q.AddRateLimited("a");
  EXPECT_EQ(q.delaying_queue_for_testing().NumWaiting(), 1u);
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(q.Get(), "a");
  q.Done("a");
  ASSERT_TRUE(clock.BlockUntilDeadline(absl::InfiniteFuture()));
  EXPECT_EQ(q.delaying_queue_for_testing().NumWaiting(), 0u);
}

TEST(RateLimitingQueueTest, AddRateLimitedAfterShutDownIsIgnoredAndRecordsNothing) {
  FakeClock clock;
  auto limiter = std::make_shared<ItemExponentialFailureRateLimiter<std::string>>();
  auto q = NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}, .rate_limiter = limiter});
  q->ShutDown();
  q->AddRateLimited("a");
  EXPECT_EQ(q->NumRequeues("a"), 0);
  EXPECT_EQ(limiter->NumTrackedItems(), 0u);
  EXPECT_EQ(q->Get(), std::nullopt);
}

TEST(RateLimitingQueueTest, IsAFullDelayingQueue) {
  FakeClock clock;
  std::unique_ptr<RateLimitingQueue<std::string>> q =
      NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}});
  DelayingQueue<std::string>& delaying = *q;
  delaying.AddAfter("later", absl::Seconds(1));
  delaying.Add("now");
  EXPECT_EQ(q->Get(), "now");
  ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(q->Get(), "later");
  q->Done("now");
  q->Done("later");
  q->ShutDownWithDrain();
  EXPECT_TRUE(q->ShuttingDown());
}

TEST(RateLimitingQueueTest, OneLimiterCanServeTwoQueues) {
  FakeClock clock;
  auto limiter = std::make_shared<ItemExponentialFailureRateLimiter<std::string>>();
  auto first =
      NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}, .rate_limiter = limiter});
  auto second =
      NewRateLimitingQueue<std::string>({.queue = {.clock = &clock}, .rate_limiter = limiter});
  first->AddRateLimited("a");
  second->AddRateLimited("a");
  EXPECT_EQ(first->NumRequeues("a"), 2);
}

}  // namespace
}  // namespace kube::workqueue
