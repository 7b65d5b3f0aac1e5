// CheckHandshake: whether a plugin's function table is one this host can use. Internal to
// //plugins/host (PluginLibrary::Bind calls it right after the entry point returns).
#ifndef KUBECPP_PLUGINS_HOST_INTERNAL_HANDSHAKE_H_
#define KUBECPP_PLUGINS_HOST_INTERNAL_HANDSHAKE_H_

#include <string>

#include "absl/status/statusor.h"
#include "plugins/abi/kube_plugin.h"
#include "plugins/host/plugin_info.h"

namespace kube::plugins::internal {

// CheckHandshake reads `api` (never a field beyond its struct_size, nothing beyond the three
// version fields when the major differs) and returns what it declares, or FailedPrecondition
// whose message lists every problem as `field: problem`, separated by "; ". `source` is only
// copied into the returned info. `api` must not be null.
absl::StatusOr<PluginInfo> CheckHandshake(const kube_plugin_api& api, std::string source);

}  // namespace kube::plugins::internal

#endif  // KUBECPP_PLUGINS_HOST_INTERNAL_HANDSHAKE_H_
