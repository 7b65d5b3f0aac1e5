// The plugin flags of kubecpp (`plugin inspect`, `watch --plugin ... --index ...`) and the
// plugin loader they configure. Separate from cli.h so the plugin options stay in one place.
//
//   --plugin FILE.so[@sha256:DIGEST][=CONFIG]
//                               load a plugin into the informer, with CONFIG for this informer's
//                               instance (repeatable; CONFIG "@PATH" reads it from a file);
//                               "@sha256:DIGEST" pins that file's SHA-256
//   --index NAME[=VALUE]        after sync, print the keys filed under VALUE in index NAME, or
//                               every "VALUE KEY" pair of the index without a value
//   --index-value VALUE         the same as --index NAME=VALUE
//   --sha256 DIGEST             refuse the plugin file unless its SHA-256 is DIGEST; only with
//                               exactly one plugin (with several, pin each with @sha256:)
//   --plugin-dir DIR            load plugins only from DIR (repeatable; symlinks resolved)
#ifndef KUBECPP_TOOLS_KUBECPP_PLUGIN_FLAGS_H_
#define KUBECPP_TOOLS_KUBECPP_PLUGIN_FLAGS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/informer/informer_plugins.h"

namespace kube::tool {

struct PluginFlags {
  std::vector<std::string> plugins;  // --plugin, as given
  std::string index;                 // --index NAME
  std::optional<std::string> index_value;
  std::string sha256;
  std::vector<std::string> plugin_dirs;
};

// IsPluginFlag: whether `arg` is one of the flags above (with or without "=value").
bool IsPluginFlag(absl::string_view arg);

// ParsePluginFlag records `arg` into `flags`, taking its value through `value` (cli.cc's reader
// of "--flag=v" or "--flag v").
absl::Status ParsePluginFlag(
    absl::string_view arg,
    absl::FunctionRef<absl::StatusOr<std::string>(absl::string_view name)> value,
    PluginFlags& flags);

// NewPluginLoader: a loader honouring --plugin-dir; plugin log lines go to stderr.
absl::StatusOr<std::unique_ptr<plugins::PluginLoader>> NewPluginLoader(const PluginFlags& flags);

// PluginUseOf parses one --plugin value ("FILE.so[@sha256:DIGEST][=CONFIG]", CONFIG "@PATH"
// read from PATH).
absl::StatusOr<plugins::PluginUse> PluginUseOf(absl::string_view spec);

// PluginUsesOf parses every plugin spec and applies `sha256_flag` (--sha256, empty: none): it
// pins the only plugin; with several plugins it is ambiguous (InvalidArgument: pin each with
// @sha256:), as is a --sha256 that differs from the plugin's own @sha256: pin. A pin is never
// silently dropped.
absl::StatusOr<std::vector<plugins::PluginUse>> PluginUsesOf(const std::vector<std::string>& specs,
                                                             absl::string_view sha256_flag);

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_PLUGIN_FLAGS_H_
