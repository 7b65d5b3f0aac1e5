// The host side of the plugin ABI: the definitions of the opaque handles of
// plugins/abi/kube_plugin.h and the kube_host_api callback table that works on them through
// ObjectView / ObjectEditor. Internal to //plugins/host.
//
// A plugin call gets handles that live on the calling thread's stack for the duration of the
// call: one kube_host_error (collects the plugin's message and the last failed callback), one
// kube_host_object (with an arena for values rendered as text), and a kube_host_index_sink or
// a kube_host_editor. Callbacks never throw and never call back into the plugin.
#ifndef KUBECPP_PLUGINS_HOST_INTERNAL_HOST_API_H_
#define KUBECPP_PLUGINS_HOST_INTERNAL_HOST_API_H_

#include <cstddef>
#include <forward_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "plugins/abi/kube_plugin.h"
#include "plugins/host/object_view.h"
#include "plugins/host/plugin_info.h"

// The opaque handles live in the global namespace, where the C header declares them.

struct kube_host_error {
  explicit kube_host_error(size_t max_message_bytes) : max_message_bytes(max_message_bytes) {}

  const size_t max_message_bytes;
  bool has_message = false;
  std::string message;
  // The last host callback that failed with something other than NOT_FOUND, to explain a plugin
  // error that comes without a message.
  absl::Status last_callback_error;
};

struct kube_host_object {
  kube_host_object(const kube::plugins::ObjectView* view, kube_host_error* call)
      : view(view), call(call) {}

  const kube::plugins::ObjectView* const view;
  kube_host_error* const call;
  // Values rendered as text for the plugin; stable addresses until the call ends.
  mutable std::forward_list<std::string> arena;
};

struct kube_host_editor {
  kube_host_editor(kube::plugins::ObjectEditor* editor, kube_host_error* call)
      : editor(editor), call(call) {}

  kube::plugins::ObjectEditor* const editor;
  kube_host_error* const call;
};

struct kube_host_index_sink {
  explicit kube_host_index_sink(const kube::plugins::PluginLimits* limits) : limits(limits) {}

  const kube::plugins::PluginLimits* const limits;
  std::vector<std::string> values;
  absl::Status error;  // sticky: once set, the index call fails with it
};

struct kube_host_context {
  kube_host_context(std::string source, kube::plugins::PluginLogSink sink, size_t max_bytes)
      : source(std::move(source)), sink(std::move(sink)), max_message_bytes(max_bytes) {}

  const std::string source;  // e.g. `pods-by-node` or `pods-by-node#2`
  const kube::plugins::PluginLogSink sink;
  const size_t max_message_bytes;
};

namespace kube::plugins::internal {

// HostApi is the host's callback table (static storage, valid forever).
const kube_host_api* HostApi();

// StatusName is "INVALID_ARGUMENT" etc. for the 17 codes, "code N" otherwise.
std::string StatusName(kube_plugin_status code);

// StatusFromPlugin turns what a plugin call returned into an absl::Status. `what` describes the
// call for messages, e.g. `plugin "x" (/p/libx.so): create`. Unknown codes become Internal;
// an error without a message gets one that says so (with the last failed callback, if any).
absl::Status StatusFromPlugin(kube_plugin_status code, const kube_host_error& error,
                              absl::string_view what);

}  // namespace kube::plugins::internal

#endif  // KUBECPP_PLUGINS_HOST_INTERNAL_HOST_API_H_
