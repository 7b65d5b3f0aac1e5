// An SDK index plugin with mutable per-instance state and no locking of its own: it declares
// kSerialized, so the host must never overlap calls on one instance (the stress test checks
// that under ThreadSanitizer). Emits "<config>:<calls so far on this instance>".
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "plugins/sdk/plugin.h"

namespace {

class Stateful : public kube::plugin_sdk::IndexPlugin {
 public:
  static constexpr kube::plugin_sdk::PluginInfo kInfo = {
      .name = "stateful",
      .version = "1",
      .description = "counts calls per instance",
      .concurrency = kube::plugin_sdk::Concurrency::kSerialized,
  };

  explicit Stateful(std::string_view config) : config_(config) {}

  kube::plugin_sdk::Status Index(const kube::plugin_sdk::Object&,
                                 kube::plugin_sdk::IndexValues& values) const override {
    // A read-modify-write with a window in the middle: overlapping calls lose updates, which
    // the stress test sees as a repeated count even without ThreadSanitizer.
    const uint64_t seen = calls_;
    std::this_thread::yield();
    calls_ = seen + 1;
    values.Add(config_ + ":" + std::to_string(seen + 1));
    return {};
  }

 private:
  const std::string config_;
  mutable uint64_t calls_ = 0;  // unsynchronized on purpose: the host serializes
};

}  // namespace

KUBE_PLUGIN_DEFINE(Stateful)
