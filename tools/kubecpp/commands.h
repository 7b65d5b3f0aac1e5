// One function per kubecpp command; main.cc dispatches on the first word.
#ifndef KUBECPP_TOOLS_KUBECPP_COMMANDS_H_
#define KUBECPP_TOOLS_KUBECPP_COMMANDS_H_

#include "absl/status/status.h"
#include "tools/kubecpp/cli.h"

namespace kube::tool {

absl::Status VersionCommand(const Flags& flags);  // basic_commands.cc
absl::Status RawCommand(const Flags& flags);      // basic_commands.cc
absl::Status DemoCommand(const Flags& flags);     // basic_commands.cc
absl::Status GetCommand(const Flags& flags);      // get_command.cc
absl::Status WatchCommand(const Flags& flags);    // watch_command.cc
absl::Status PluginCommand(const Flags& flags);   // plugin_command.cc
absl::Status ApplyCommand(const Flags& flags);    // apply_command.cc
absl::Status DeleteCommand(const Flags& flags);   // delete_command.cc

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_COMMANDS_H_
