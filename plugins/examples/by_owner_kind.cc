// by-owner-kind: indexes objects by their owners as "<kind>/<name>" (e.g. "ReplicaSet/web-7d9f"),
// answering "what does this ReplicaSet own" from the cache.
// Config: "" indexes every owner reference; "controller" only the managing controller's.
#include <string>
#include <string_view>

#include "plugins/sdk/plugin.h"

namespace {

using ::kube::plugin_sdk::Concurrency;
using ::kube::plugin_sdk::Error;
using ::kube::plugin_sdk::IndexValues;
using ::kube::plugin_sdk::Object;
using ::kube::plugin_sdk::OwnerReference;
using ::kube::plugin_sdk::PluginInfo;
using ::kube::plugin_sdk::Status;
using ::kube::plugin_sdk::StatusCode;

class ByOwnerKind : public kube::plugin_sdk::IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {
      .name = "by-owner-kind",
      .version = "1.0.0",
      .description = "indexes objects by owner reference as kind/name",
      .concurrency = Concurrency::kConcurrent,  // immutable after construction
  };

  explicit ByOwnerKind(std::string_view config) : controller_only_(config == "controller") {
    if (!config.empty() && !controller_only_) {
      throw Error(StatusCode::kInvalidArgument,
                  "by-owner-kind config is \"\" (all owners) or \"controller\", got \"" +
                      std::string(config) + "\"");
    }
  }

  Status Index(const Object& object, IndexValues& values) const override {
    const size_t count = object.OwnerReferenceCount();
    for (size_t i = 0; i < count; ++i) {
      const OwnerReference owner = object.OwnerReferenceAt(i);
      if (controller_only_ && !owner.controller.value_or(false)) continue;
      std::string value;
      value.reserve(owner.kind.size() + 1 + owner.name.size());
      value.append(owner.kind).append("/").append(owner.name);
      values.Add(value);
    }
    return Status();
  }

 private:
  const bool controller_only_;
};

}  // namespace

KUBE_PLUGIN_DEFINE(ByOwnerKind)
