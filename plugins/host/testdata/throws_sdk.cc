// An SDK plugin that throws from its constructor (config "throw") and from Index (object named
// "throw"); the SDK must turn both into statuses.
#include <stdexcept>
#include <string_view>

#include "plugins/sdk/plugin.h"

namespace {

class ThrowsSdk : public kube::plugin_sdk::IndexPlugin {
 public:
  static constexpr kube::plugin_sdk::PluginInfo kInfo = {.name = "throws-sdk", .version = "1"};

  explicit ThrowsSdk(std::string_view config) {
    if (config == "throw") throw std::invalid_argument("constructor threw on purpose");
  }

  kube::plugin_sdk::Status Index(const kube::plugin_sdk::Object& object,
                                 kube::plugin_sdk::IndexValues& values) const override {
    if (object.Name() == "throw") throw std::runtime_error("index threw on purpose");
    values.Add(object.Name());
    return {};
  }
};

}  // namespace

KUBE_PLUGIN_DEFINE(ThrowsSdk)
