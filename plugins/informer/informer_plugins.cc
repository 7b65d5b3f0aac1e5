#include "plugins/informer/informer_plugins.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::plugins {

absl::StatusOr<PluginUse> ParsePluginUse(absl::string_view spec) {
  PluginUse use;
  size_t eq = spec.find('=');
  absl::string_view file = spec.substr(0, eq);
  if (eq != absl::string_view::npos) use.config = std::string(spec.substr(eq + 1));
  constexpr absl::string_view kPin = "@sha256:";
  if (size_t at = file.rfind(kPin); at != absl::string_view::npos) {
    use.sha256 = std::string(file.substr(at + kPin.size()));
    file = file.substr(0, at);
    if (use.sha256.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("plugin \"", spec, "\": empty digest after @sha256:"));
    }
  }
  use.path = std::string(file);
  if (use.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plugin \"", spec, "\": want FILE.so[@sha256:DIGEST] or FILE.so[@sha256:DIGEST]=CONFIG"));
  }
  return use;
}

std::string PluginIdentity(const PluginInfo& info, absl::string_view config) {
  return absl::StrCat("plugin:", info.source, ";sha256:", info.sha256, ";config:", config.size(),
                      ":", config);
}

namespace internal {

IndexErrorSink IndexErrorsTo(std::shared_ptr<PluginErrors> errors) {
  if (errors == nullptr) return nullptr;
  return [errors = std::move(errors)](absl::string_view index, absl::string_view ns,
                                      absl::string_view name, const absl::Status& status) {
    errors->Record({PluginCallError::Call::kIndex, std::string(index), std::string(ns),
                    std::string(name), status});
  };
}

TransformErrorSink TransformErrorsTo(std::shared_ptr<PluginErrors> errors) {
  if (errors == nullptr) return nullptr;
  return [errors = std::move(errors)](absl::string_view transform, absl::string_view ns,
                                      absl::string_view name, const absl::Status& status) {
    errors->Record({PluginCallError::Call::kTransform, std::string(transform), std::string(ns),
                    std::string(name), status});
  };
}

}  // namespace internal
}  // namespace kube::plugins
