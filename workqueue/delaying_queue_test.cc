#include "workqueue/delaying_queue.h"

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace kube::workqueue {
namespace {

using internal::DelayingQueueImpl;
using kube::testing::FakeClock;

constexpr absl::Time kStart = FakeClock::kDefaultStart;

class DelayingQueueTest : public ::testing::Test {
 protected:
  // The timer thread, parked with nothing to wait for (it always is between test steps that
  // let it settle): one clock waiter with an infinite deadline.
  void ExpectTimerIdle() {
    ASSERT_TRUE(clock_.BlockUntilDeadline(absl::InfiniteFuture()));
    EXPECT_EQ(queue_.NumWaiting(), 0u);
  }

  FakeClock clock_;
  DelayingQueueImpl<std::string> queue_{QueueOptions{.clock = &clock_}};
};

TEST_F(DelayingQueueTest, AddAfterAddsOnlyOnceTheDelayHasPassed) {
  queue_.AddAfter("a", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  EXPECT_EQ(queue_.Len(), 0u);

  clock_.Advance(absl::Milliseconds(999));
  // The timer thread is still armed for the same time: nothing was due.
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  EXPECT_EQ(queue_.Len(), 0u);

  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(queue_.Get(), "a");  // Get blocks until the timer thread has moved it
  ExpectTimerIdle();
}

TEST_F(DelayingQueueTest, NonPositiveDelayAddsAtOnce) {
  queue_.AddAfter("zero", absl::ZeroDuration());
  queue_.AddAfter("negative", -absl::Seconds(5));
  EXPECT_EQ(queue_.Len(), 2u);
  EXPECT_EQ(queue_.NumWaiting(), 0u);
  EXPECT_EQ(queue_.Get(), "zero");
  EXPECT_EQ(queue_.Get(), "negative");
}

TEST_F(DelayingQueueTest, ItemsBecomeReadyInReadyTimeOrder) {
  queue_.AddAfter("c", absl::Seconds(3));
  queue_.AddAfter("a", absl::Seconds(1));
  queue_.AddAfter("b", absl::Seconds(2));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock_.Advance(absl::Seconds(3));
  EXPECT_EQ(queue_.Get(), "a");
  EXPECT_EQ(queue_.Get(), "b");
  EXPECT_EQ(queue_.Get(), "c");
}

TEST_F(DelayingQueueTest, EqualReadyTimesKeepTheOrderOfAdding) {
  for (const char* item : {"x", "y", "z", "w"}) queue_.AddAfter(item, absl::Seconds(1));
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(queue_.Get(), "x");
  EXPECT_EQ(queue_.Get(), "y");
  EXPECT_EQ(queue_.Get(), "z");
  EXPECT_EQ(queue_.Get(), "w");
}

TEST_F(DelayingQueueTest, ReAddingAWaitingItemKeepsTheEarlierTime) {
  queue_.AddAfter("a", absl::Seconds(2));
  queue_.AddAfter("a", absl::Seconds(1));  // earlier: moves the item forward
  queue_.AddAfter("a", absl::Seconds(5));  // later: ignored
  EXPECT_EQ(queue_.NumWaiting(), 1u);      // one entry, however often it is re-added
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(queue_.Get(), "a");
  queue_.Done("a");
  ExpectTimerIdle();

  // Neither the 2s nor the 5s add left anything behind.
  clock_.Advance(absl::Seconds(10));
  ExpectTimerIdle();
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(DelayingQueueTest, ManyReAddsOfOneItemMakeOneTimerEntry) {
  for (int ms = 1000; ms >= 1; --ms) queue_.AddAfter("a", absl::Milliseconds(ms));
  EXPECT_EQ(queue_.NumWaiting(), 1u);
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Milliseconds(1)));
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(queue_.Get(), "a");
  ExpectTimerIdle();
}

TEST_F(DelayingQueueTest, AnEarlierItemRearmsTheTimer) {
  queue_.AddAfter("late", absl::Seconds(10));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(10)));
  queue_.AddAfter("early", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(queue_.Get(), "early");
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(10)));
  EXPECT_EQ(queue_.Len(), 0u);
  EXPECT_EQ(queue_.NumWaiting(), 1u);

  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(queue_.Get(), "late");
}

TEST_F(DelayingQueueTest, ReadyItemThatIsStillPendingIsMerged) {
  queue_.Add("a");
  queue_.AddAfter("a", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock_.Advance(absl::Seconds(1));
  ExpectTimerIdle();  // the timer thread has moved "a" (into the queue, where it merged)
  EXPECT_EQ(queue_.Len(), 1u);
}

TEST_F(DelayingQueueTest, ReadyItemThatIsBeingProcessedIsProcessedAgainAfterDone) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  queue_.AddAfter("a", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock_.Advance(absl::Seconds(1));
  ExpectTimerIdle();
  EXPECT_EQ(queue_.Len(), 0u);  // not handed out while being processed
  queue_.Done("a");
  EXPECT_EQ(queue_.Get(), "a");
}

TEST_F(DelayingQueueTest, InfiniteDelayParksTheItemUntilShutDown) {
  queue_.AddAfter("a", absl::InfiniteDuration());
  EXPECT_EQ(queue_.NumWaiting(), 1u);
  clock_.Advance(absl::Hours(24 * 365 * 100));
  ASSERT_TRUE(clock_.BlockUntilDeadline(absl::InfiniteFuture()));
  EXPECT_EQ(queue_.NumWaiting(), 1u);
  EXPECT_EQ(queue_.Len(), 0u);
  queue_.ShutDown();
  EXPECT_EQ(queue_.NumWaiting(), 0u);
}

TEST_F(DelayingQueueTest, ShutDownStopsTheTimerThreadAndDropsWaitingItems) {
  queue_.AddAfter("a", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  queue_.ShutDown();
  // ShutDown joined the timer thread: nobody waits on the clock any more.
  EXPECT_EQ(clock_.WaitersCount(), 0);
  EXPECT_EQ(queue_.NumWaiting(), 0u);
  queue_.AddAfter("b", absl::Seconds(1));      // ignored
  queue_.AddAfter("c", absl::ZeroDuration());  // ignored
  EXPECT_EQ(queue_.NumWaiting(), 0u);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(queue_.Get(), std::nullopt);
  queue_.ShutDown();  // idempotent
}

TEST_F(DelayingQueueTest, ShutDownWakesWorkersBlockedInGet) {
  constexpr int kWorkers = 3;
  std::atomic<int> stopped{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&] {
      if (!queue_.Get().has_value()) stopped.fetch_add(1);
    });
  }
  ASSERT_TRUE(queue_.queue_for_testing().AwaitBlockedForTesting(kWorkers, 0));
  queue_.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(stopped.load(), kWorkers);
}

TEST_F(DelayingQueueTest, ShutDownWithDrainWaitsForInFlightItemsAndStopsTheTimer) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  queue_.AddAfter("later", absl::Seconds(1));
  std::atomic<bool> done_called{false};
  std::atomic<bool> drain_saw_done{false};
  std::thread drainer([&] {
    queue_.ShutDownWithDrain();
    drain_saw_done = done_called.load();
  });
  ASSERT_TRUE(queue_.queue_for_testing().AwaitBlockedForTesting(0, 1));
  EXPECT_EQ(clock_.WaitersCount(), 0);  // the timer thread is already gone
  done_called = true;
  queue_.Done("a");
  drainer.join();
  EXPECT_TRUE(drain_saw_done.load());
  EXPECT_EQ(queue_.Get(), std::nullopt);  // "later" was dropped
}

TEST(DelayingQueueFactoryTest, DestroyingWithWaitingItemsJoinsTheTimerThread) {
  FakeClock clock;
  {
    auto q = NewDelayingQueue<std::string>({.clock = &clock});
    q->AddAfter("a", absl::Hours(1));
    ASSERT_TRUE(clock.BlockUntilDeadline(kStart + absl::Hours(1)));
  }
  EXPECT_EQ(clock.WaitersCount(), 0);
}

TEST(DelayingQueueFactoryTest, WorksOnTheRealClock) {
  auto q = NewDelayingQueue<std::string>();
  q->AddAfter("a", absl::Milliseconds(5));
  EXPECT_EQ(q->Get(), "a");
}

}  // namespace
}  // namespace kube::workqueue
