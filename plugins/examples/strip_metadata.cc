// strip-metadata: a transform that makes cached objects smaller. It always removes
// metadata.managedFields, and removes the annotations named by its config.
// Config: comma-separated annotation keys, or prefixes ending in '*'; spaces around entries are
// ignored. Empty config: "kubectl.kubernetes.io/last-applied-configuration".
//   e.g. "kubectl.kubernetes.io/last-applied-configuration, example.com/*"
#include <string>
#include <string_view>
#include <vector>

#include "plugins/sdk/plugin.h"

namespace {

using ::kube::plugin_sdk::Concurrency;
using ::kube::plugin_sdk::Error;
using ::kube::plugin_sdk::MutableObject;
using ::kube::plugin_sdk::PluginInfo;
using ::kube::plugin_sdk::Status;
using ::kube::plugin_sdk::StatusCode;

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class StripMetadata : public kube::plugin_sdk::TransformPlugin {
 public:
  static constexpr PluginInfo kInfo = {
      .name = "strip-metadata",
      .version = "1.0.0",
      .description = "removes managedFields and the configured annotations",
      .concurrency = Concurrency::kConcurrent,  // immutable after construction
  };

  explicit StripMetadata(std::string_view config) {
    if (Trim(config).empty()) {
      keys_.emplace_back(kLastApplied);
      return;
    }
    while (true) {
      const size_t comma = config.find(',');
      const std::string_view entry = Trim(config.substr(0, comma));
      if (entry.empty()) {
        throw Error(StatusCode::kInvalidArgument,
                    "strip-metadata config has an empty entry; expected comma-separated "
                    "annotation keys or prefixes ending in '*'");
      }
      if (entry.back() == '*') {
        prefixes_.emplace_back(entry.substr(0, entry.size() - 1));
      } else {
        keys_.emplace_back(entry);
      }
      if (comma == std::string_view::npos) break;
      config.remove_prefix(comma + 1);
    }
  }

  Status Transform(MutableObject& object) const override {
    object.ClearManagedFields();
    for (const std::string& key : keys_) object.RemoveAnnotation(key);
    if (prefixes_.empty()) return Status();
    // Collect first: the object must not be edited while its annotations are iterated.
    std::vector<std::string> doomed;
    object.ForEachAnnotation([&](std::string_view key, std::string_view) {
      for (const std::string& prefix : prefixes_) {
        if (key.substr(0, prefix.size()) == prefix) {
          doomed.emplace_back(key);
          break;
        }
      }
    });
    for (const std::string& key : doomed) object.RemoveAnnotation(key);
    return Status();
  }

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> prefixes_;
};

}  // namespace

KUBE_PLUGIN_DEFINE(StripMetadata)
