#include "workqueue/metrics.h"

namespace kube::workqueue {
namespace {

class NoopQueueMetrics final : public QueueMetrics {
 public:
  void IncDepth() override {}
  void DecDepth() override {}
  void IncAdds() override {}
  void ObserveQueueLatency(absl::Duration) override {}
  void ObserveWorkDuration(absl::Duration) override {}
  void SetUnfinishedWorkSeconds(double) override {}
  void SetLongestRunningProcessorSeconds(double) override {}
  void IncRetries() override {}
};

class NoopProvider final : public MetricsProvider {
 public:
  std::shared_ptr<QueueMetrics> NewQueueMetrics(absl::string_view) override {
    return std::make_shared<NoopQueueMetrics>();
  }
};

}  // namespace

MetricsProvider& NoopMetricsProvider() {
  static NoopProvider* const provider = new NoopProvider();
  return *provider;
}

}  // namespace kube::workqueue
