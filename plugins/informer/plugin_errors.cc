#include "plugins/informer/plugin_errors.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/sync.h"

namespace kube::plugins {

std::string PluginCallError::String() const {
  return absl::StrCat(call == Call::kIndex ? "index \"" : "transform \"", plugin, "\" failed for ",
                      ns.empty() ? "" : absl::StrCat(ns, "/"), name, ": ", status.ToString());
}

void PluginErrors::Record(PluginCallError error) {
  (error.call == PluginCallError::Call::kIndex ? index_errors_ : transform_errors_)
      .fetch_add(1, std::memory_order_relaxed);
  if (reporter_) reporter_(error);
  MutexLock lock(&mu_);
  last_ = std::move(error);
}

std::optional<PluginCallError> PluginErrors::last() const {
  MutexLock lock(&mu_);
  return last_;
}

}  // namespace kube::plugins
