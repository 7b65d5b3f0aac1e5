// kube::plugins::PluginInfo and friends — what a loaded plugin declared, and the limits and
// log sink the host applies to it.
//
// Where it sits: PluginLibrary::info() returns a PluginInfo; `kubecpp plugin inspect` prints
// one. Separate from plugin_library.h so the handshake and the callback table (internal) can
// use these types without the library class.
//
// Thread-safety: plain values; PluginLogSink implementations must be thread-safe.
#ifndef KUBECPP_PLUGINS_HOST_PLUGIN_INFO_H_
#define KUBECPP_PLUGINS_HOST_PLUGIN_INFO_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "plugins/abi/kube_plugin.h"

namespace kube::plugins {

enum class PluginKind : uint32_t {
  kIndex = KUBE_PLUGIN_KIND_INDEX,
  kTransform = KUBE_PLUGIN_KIND_TRANSFORM,
};

// PluginInfo is what the plugin declared in its function table, copied at load time.
struct PluginInfo {
  std::string name;         // e.g. "pods-by-node"
  std::string version;      // the plugin's own version
  std::string description;  // may be empty
  PluginKind kind = PluginKind::kIndex;
  uint32_t abi_major = 0;  // the ABI the plugin was built against
  uint32_t abi_minor = 0;
  bool concurrent_calls = false;  // KUBE_PLUGIN_FLAG_CONCURRENT_CALLS
  bool has_init = false;          // the plugin-wide init/shutdown functions it provides
  bool has_shutdown = false;      // (create, destroy and index/transform are always there)
  std::string source;             // the file it came from (real path), or what Bind was told
  // sha256: the SHA-256 of the file as 64 lowercase hex digits (PluginLoader always computes
  // it, pinned or not); empty for a library bound from an entry function in memory. With the
  // source and the instance config it makes a plugin index's or transform's identity.
  std::string sha256;
};

// PluginLimits bound what one plugin call may hand the host.
struct PluginLimits {
  size_t max_index_values = 10000;           // per object
  size_t max_index_value_bytes = 64 * 1024;  // per value
  size_t max_message_bytes = 4096;           // error messages and log lines are truncated
};

enum class PluginLogSeverity { kInfo, kWarning, kError };

// PluginLogSink receives the plugins' log lines; `source` names the plugin and instance.
// Called from any thread, concurrently: it must be thread-safe.
using PluginLogSink = std::function<void(PluginLogSeverity severity, absl::string_view source,
                                         absl::string_view message)>;

// StderrPluginLogSink writes "plugin <source>: <SEVERITY>: <message>" lines to stderr.
PluginLogSink StderrPluginLogSink();

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_PLUGIN_INFO_H_
