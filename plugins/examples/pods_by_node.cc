// pods-by-node: indexes Pods by spec.nodeName, so "pods on node X" is an index lookup instead of
// a scan. Unscheduled pods (no nodeName yet) are in no bucket. Takes no config.
#include <optional>
#include <string_view>

#include "plugins/sdk/plugin.h"

namespace {

using ::kube::plugin_sdk::Concurrency;
using ::kube::plugin_sdk::Error;
using ::kube::plugin_sdk::IndexValues;
using ::kube::plugin_sdk::Object;
using ::kube::plugin_sdk::PluginInfo;
using ::kube::plugin_sdk::Status;
using ::kube::plugin_sdk::StatusCode;

class PodsByNode : public kube::plugin_sdk::IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {
      .name = "pods-by-node",
      .version = "1.0.0",
      .description = "indexes pods by spec.nodeName",
      .concurrency = Concurrency::kConcurrent,  // stateless
  };

  explicit PodsByNode(std::string_view config) {
    if (!config.empty()) {
      throw Error(StatusCode::kInvalidArgument, "pods-by-node takes no config");
    }
  }

  Status Index(const Object& pod, IndexValues& values) const override {
    if (std::optional<std::string_view> node = pod.Field("spec.nodeName"); node && !node->empty()) {
      values.Add(*node);
    }
    return Status();
  }
};

}  // namespace

KUBE_PLUGIN_DEFINE(PodsByNode)
