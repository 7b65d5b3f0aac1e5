// What the queues report through QueueMetrics, read back from InMemoryMetricsProvider, with
// time driven by a fake clock.
#include "workqueue/metrics.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "workqueue/default_rate_limiters.h"
#include "workqueue/delaying_queue.h"
#include "workqueue/in_memory_metrics.h"
#include "workqueue/queue.h"
#include "workqueue/rate_limiting_queue.h"

namespace kube::workqueue {
namespace {

using kube::testing::FakeClock;

constexpr absl::Time kStart = FakeClock::kDefaultStart;

class MetricsTest : public ::testing::Test {
 protected:
  QueueOptions Options(absl::Duration update_period = absl::ZeroDuration()) {
    return {.name = "q",
            .clock = &clock_,
            .metrics_provider = &provider_,
            .metrics_update_period = update_period};
  }
  QueueMetricsSnapshot Snapshot() {
    std::optional<QueueMetricsSnapshot> s = provider_.Snapshot("q");
    EXPECT_TRUE(s.has_value());
    return s.value_or(QueueMetricsSnapshot{});
  }

  FakeClock clock_;
  InMemoryMetricsProvider provider_;
};

TEST_F(MetricsTest, DepthAddsLatencyAndWorkDuration) {
  auto q = NewQueue<std::string>(Options());
  q->Add("a");
  q->Add("b");
  q->Add("a");  // merged: not an add
  EXPECT_EQ(Snapshot().adds, 2u);
  EXPECT_EQ(Snapshot().depth, 2);

  clock_.Advance(absl::Seconds(1));
  ASSERT_EQ(q->Get(), "a");
  QueueMetricsSnapshot s = Snapshot();
  EXPECT_EQ(s.depth, 1);
  EXPECT_EQ(s.queue_latency.count, 1u);
  EXPECT_DOUBLE_EQ(s.queue_latency.sum_seconds, 1.0);

  clock_.Advance(absl::Seconds(2));
  q->Done("a");
  s = Snapshot();
  EXPECT_EQ(s.work_duration.count, 1u);
  EXPECT_DOUBLE_EQ(s.work_duration.sum_seconds, 2.0);

  ASSERT_EQ(q->Get(), "b");  // pending since t=0, handed out at t=3s
  s = Snapshot();
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.queue_latency.count, 2u);
  EXPECT_DOUBLE_EQ(s.queue_latency.sum_seconds, 4.0);

  // Re-added while processing: pending again (depth counts it) though not yet queued.
  q->Add("b");
  EXPECT_EQ(Snapshot().depth, 1);
  EXPECT_EQ(Snapshot().adds, 3u);
  clock_.Advance(absl::Milliseconds(500));
  q->Done("b");
  ASSERT_EQ(q->Get(), "b");
  s = Snapshot();
  EXPECT_EQ(s.depth, 0);
  EXPECT_DOUBLE_EQ(s.queue_latency.sum_seconds, 4.5);
  EXPECT_DOUBLE_EQ(s.work_duration.sum_seconds, 2.5);
}

TEST_F(MetricsTest, UnfinishedWorkAndLongestRunningProcessorTickOnTheClock) {
  auto q = NewQueue<std::string>(Options(absl::Milliseconds(500)));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));  // the metrics ticker
  q->Add("a");
  q->Add("b");
  ASSERT_EQ(q->Get(), "a");

  clock_.Advance(absl::Milliseconds(500));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));  // ticked and waiting for the next tick
  QueueMetricsSnapshot s = Snapshot();
  EXPECT_DOUBLE_EQ(s.unfinished_work_seconds, 0.5);
  EXPECT_DOUBLE_EQ(s.longest_running_processor_seconds, 0.5);

  ASSERT_EQ(q->Get(), "b");
  clock_.Advance(absl::Milliseconds(500));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  s = Snapshot();
  EXPECT_DOUBLE_EQ(s.unfinished_work_seconds, 1.5);  // "a" 1s + "b" 0.5s
  EXPECT_DOUBLE_EQ(s.longest_running_processor_seconds, 1.0);

  q->Done("a");
  q->Done("b");
  clock_.Advance(absl::Milliseconds(500));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  s = Snapshot();
  EXPECT_DOUBLE_EQ(s.unfinished_work_seconds, 0.0);
  EXPECT_DOUBLE_EQ(s.longest_running_processor_seconds, 0.0);

  q->ShutDown();
  EXPECT_EQ(clock_.WaitersCount(), 0);  // the ticker stopped with the queue
}

TEST_F(MetricsTest, AddAfterAndAddRateLimitedCountRetries) {
  {
    auto q = NewDelayingQueue<std::string>(Options());
    q->AddAfter("a", absl::Seconds(1));
    q->AddAfter("a", absl::Seconds(2));
    q->AddAfter("b", absl::ZeroDuration());
    EXPECT_EQ(Snapshot().retries, 3u);
    EXPECT_EQ(Snapshot().adds, 1u);  // only "b" is in the queue so far
  }
  {
    RateLimitingQueueOptions<std::string> options{.queue = Options()};
    options.queue.name = "rl";
    auto q = NewRateLimitingQueue<std::string>(options);
    q->AddRateLimited("a");
    q->AddRateLimited("a");
    EXPECT_EQ(provider_.Snapshot("rl")->retries, 2u);
  }
}

TEST_F(MetricsTest, LatencyOfADelayedItemStartsWhenItBecomesReady) {
  auto q = NewDelayingQueue<std::string>(Options());
  q->AddAfter("a", absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(kStart + absl::Seconds(1)));
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(clock_.BlockUntilDeadline(absl::InfiniteFuture()));  // moved into the queue
  EXPECT_EQ(Snapshot().depth, 1);
  clock_.Advance(absl::Seconds(2));
  ASSERT_EQ(q->Get(), "a");
  EXPECT_DOUBLE_EQ(Snapshot().queue_latency.sum_seconds, 2.0);
}

TEST_F(MetricsTest, AnUnnamedQueueReportsNothingAndRunsNoTicker) {
  QueueOptions options = Options(absl::Milliseconds(500));
  options.name.clear();
  auto q = NewQueue<std::string>(options);
  q->Add("a");
  EXPECT_FALSE(provider_.Snapshot("").has_value());
  EXPECT_EQ(clock_.WaitersCount(), 0);
}

TEST_F(MetricsTest, QueuesWithTheSameNameShareTheirMetrics) {
  auto first = NewQueue<std::string>(Options());
  auto second = NewQueue<std::string>(Options());
  first->Add("a");
  second->Add("a");
  EXPECT_EQ(Snapshot().adds, 2u);
  EXPECT_EQ(Snapshot().depth, 2);
}

TEST(NoopMetricsProviderTest, QueuesWorkWithIt) {
  FakeClock clock;
  auto q = NewQueue<std::string>(
      {.name = "noop", .clock = &clock, .metrics_provider = &NoopMetricsProvider()});
  q->Add("a");
  ASSERT_EQ(q->Get(), "a");
  q->Done("a");
  EXPECT_EQ(&NoopMetricsProvider(), &NoopMetricsProvider());
  q->ShutDown();
}

}  // namespace
}  // namespace kube::workqueue
