// label-pattern: indexes objects by every label whose key fully matches an RE2 pattern, with
// values "key=value". Config: the pattern, e.g. "app\.kubernetes\.io/.*" or "team|tier".
// An empty or invalid pattern refuses the config with RE2's explanation.
#include <memory>
#include <string>
#include <string_view>

#include "plugins/sdk/plugin.h"
#include "re2/re2.h"

namespace {

using ::kube::plugin_sdk::Concurrency;
using ::kube::plugin_sdk::Error;
using ::kube::plugin_sdk::IndexValues;
using ::kube::plugin_sdk::Object;
using ::kube::plugin_sdk::PluginInfo;
using ::kube::plugin_sdk::Status;
using ::kube::plugin_sdk::StatusCode;

std::unique_ptr<const RE2> Compile(std::string_view pattern) {
  if (pattern.empty()) {
    throw Error(StatusCode::kInvalidArgument,
                "label-pattern needs a config: an RE2 pattern for label keys");
  }
  RE2::Options options;
  options.set_log_errors(false);  // the error goes back to the host in the status instead
  auto re = std::make_unique<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    throw Error(StatusCode::kInvalidArgument,
                "invalid label-key pattern \"" + std::string(pattern) + "\": " + re->error());
  }
  return re;
}

class LabelPattern : public kube::plugin_sdk::IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {
      .name = "label-pattern",
      .version = "1.0.0",
      .description = "indexes labels whose key matches an RE2 pattern, as key=value",
      .concurrency = Concurrency::kConcurrent,  // RE2 matching is thread-safe
  };

  explicit LabelPattern(std::string_view config) : key_pattern_(Compile(config)) {}

  Status Index(const Object& object, IndexValues& values) const override {
    object.ForEachLabel([&](std::string_view key, std::string_view value) {
      if (!RE2::FullMatch(re2::StringPiece(key.data(), key.size()), *key_pattern_)) return;
      std::string entry;
      entry.reserve(key.size() + 1 + value.size());
      entry.append(key).append("=").append(value);
      values.Add(entry);
    });
    return Status();
  }

 private:
  const std::unique_ptr<const RE2> key_pattern_;
};

}  // namespace

KUBE_PLUGIN_DEFINE(LabelPattern)
