#include "workqueue/in_memory_metrics.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "workqueue/metrics.h"

namespace kube::workqueue {
namespace {

TEST(InMemoryMetricsProviderTest, RecordsEveryMeasurement) {
  InMemoryMetricsProvider provider;
  std::shared_ptr<QueueMetrics> m = provider.NewQueueMetrics("jobs");
  m->IncAdds();
  m->IncAdds();
  m->IncDepth();
  m->IncDepth();
  m->DecDepth();
  m->IncRetries();
  m->ObserveQueueLatency(absl::Milliseconds(500));
  m->ObserveQueueLatency(absl::Seconds(5));
  m->ObserveWorkDuration(absl::Microseconds(3));
  m->SetUnfinishedWorkSeconds(2.5);
  m->SetLongestRunningProcessorSeconds(1.25);

  auto s = provider.Snapshot("jobs");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->adds, 2u);
  EXPECT_EQ(s->depth, 1);
  EXPECT_EQ(s->retries, 1u);
  EXPECT_EQ(s->queue_latency.count, 2u);
  EXPECT_DOUBLE_EQ(s->queue_latency.sum_seconds, 5.5);
  EXPECT_EQ(s->work_duration.count, 1u);
  EXPECT_DOUBLE_EQ(s->unfinished_work_seconds, 2.5);
  EXPECT_DOUBLE_EQ(s->longest_running_processor_seconds, 1.25);
  EXPECT_FALSE(provider.Snapshot("other").has_value());
}

TEST(InMemoryMetricsProviderTest, HistogramBucketsAreClientGos) {
  const std::vector<double> bounds = InMemoryMetricsProvider::DefaultBuckets();
  ASSERT_EQ(bounds.size(), 12u);
  EXPECT_DOUBLE_EQ(bounds.front(), 1e-8);
  EXPECT_NEAR(bounds.back(), 1e3, 1e-9);

  InMemoryMetricsProvider provider;
  auto m = provider.NewQueueMetrics("q");
  m->ObserveWorkDuration(absl::Milliseconds(500));  // in (0.1, 1]
  m->ObserveWorkDuration(absl::Seconds(5000));      // above every bound: only in +Inf
  auto s = provider.Snapshot("q");
  ASSERT_TRUE(s.has_value());
  uint64_t in_buckets = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    in_buckets += s->work_duration.bucket_counts[i];
    if (s->work_duration.bucket_counts[i] == 1) {
      EXPECT_GE(bounds[i], 0.5);
      EXPECT_LT(bounds[i - 1], 0.5);
    }
  }
  EXPECT_EQ(in_buckets, 1u);
  EXPECT_EQ(s->work_duration.count, 2u);
}

TEST(InMemoryMetricsProviderTest, SameNameSameMetrics) {
  InMemoryMetricsProvider provider;
  auto a = provider.NewQueueMetrics("q");
  auto b = provider.NewQueueMetrics("q");
  EXPECT_EQ(a.get(), b.get());
}

TEST(InMemoryMetricsProviderTest, PrometheusTextUsesClientGoNames) {
  InMemoryMetricsProvider provider;
  auto m = provider.NewQueueMetrics("jobs");
  m->IncAdds();
  m->IncDepth();
  m->IncRetries();
  m->ObserveQueueLatency(absl::Milliseconds(500));
  m->SetUnfinishedWorkSeconds(0.25);
  provider.NewQueueMetrics("we\"ird\\name\n");

  const std::string text = provider.PrometheusText();
  for (const char* line : {
           "# TYPE workqueue_depth gauge\n",
           "workqueue_depth{name=\"jobs\"} 1\n",
           "# TYPE workqueue_adds_total counter\n",
           "workqueue_adds_total{name=\"jobs\"} 1\n",
           "# TYPE workqueue_queue_duration_seconds histogram\n",
           "workqueue_queue_duration_seconds_bucket{name=\"jobs\",le=\"1e-08\"} 0\n",
           "workqueue_queue_duration_seconds_bucket{name=\"jobs\",le=\"+Inf\"} 1\n",
           "workqueue_queue_duration_seconds_sum{name=\"jobs\"} 0.5\n",
           "workqueue_queue_duration_seconds_count{name=\"jobs\"} 1\n",
           "workqueue_work_duration_seconds_count{name=\"jobs\"} 0\n",
           "workqueue_unfinished_work_seconds{name=\"jobs\"} 0.25\n",
           "workqueue_longest_running_processor_seconds{name=\"jobs\"} 0\n",
           "workqueue_retries_total{name=\"jobs\"} 1\n",
           "workqueue_depth{name=\"we\\\"ird\\\\name\\n\"} 0\n",
       }) {
    EXPECT_TRUE(absl::StrContains(text, line)) << "missing: " << line << "\nin:\n" << text;
  }
  // Buckets are cumulative, and bounds print as Go's client prints them (shortest form).
  EXPECT_TRUE(absl::StrContains(
      text, "workqueue_queue_duration_seconds_bucket{name=\"jobs\",le=\"0.1\"} 0\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "workqueue_queue_duration_seconds_bucket{name=\"jobs\",le=\"1\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "workqueue_queue_duration_seconds_bucket{name=\"jobs\",le=\"1000\"} 1\n"));
}

}  // namespace
}  // namespace kube::workqueue
