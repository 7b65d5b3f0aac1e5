// kubecpp plugin inspect FILE.so[@sha256:DIGEST][=CONFIG] [--sha256 DIGEST] [--plugin-dir DIR]
//
// Loads the file through the same host the informers use and prints what it declares, or the
// exact reason it is refused (exit code 1). With =CONFIG it also creates (and destroys) one
// instance from that config, so a config can be checked before it is deployed.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plugins/abi/kube_plugin.h"
#include "plugins/host/plugin_info.h"
#include "plugins/host/plugin_loader.h"
#include "tools/kubecpp/commands.h"
#include "tools/kubecpp/plugin_flags.h"

namespace kube::tool {
namespace {

constexpr char kPluginUsage[] =
    "usage: kubecpp plugin inspect FILE.so[@sha256:DIGEST][=CONFIG] [--sha256 DIGEST] "
    "[--plugin-dir DIR]";

absl::Status Inspect(const Flags& flags) {
  if (flags.args.size() != 3) return absl::InvalidArgumentError(kPluginUsage);
  absl::StatusOr<std::vector<plugins::PluginUse>> uses =
      PluginUsesOf({flags.args[2]}, flags.plugin.sha256);
  if (!uses.ok()) return uses.status();
  const plugins::PluginUse* use = &uses->front();
  const bool check_config = flags.args[2].find('=') != std::string::npos;
  absl::StatusOr<std::unique_ptr<plugins::PluginLoader>> loader = NewPluginLoader(flags.plugin);
  if (!loader.ok()) return loader.status();
  absl::StatusOr<std::shared_ptr<const plugins::PluginLibrary>> library =
      (*loader)->Load(use->path, {.sha256 = use->sha256});
  if (!library.ok()) {
    return absl::Status(library.status().code(),
                        absl::StrCat("refused: ", library.status().message()));
  }
  const plugins::PluginInfo& info = (*library)->info();
  const bool index = info.kind == plugins::PluginKind::kIndex;
  std::vector<std::string> functions;
  if (info.has_init) functions.push_back("init");
  if (info.has_shutdown) functions.push_back("shutdown");
  functions.push_back("create");
  functions.push_back("destroy");
  functions.push_back(index ? "index" : "transform");
  std::cout << "File:         " << info.source << "\n"
            << "SHA-256:      " << info.sha256 << "\n"
            << "Name:         " << info.name << "\n"
            << "Version:      " << info.version << "\n"
            << "Description:  " << (info.description.empty() ? "<none>" : info.description) << "\n"
            << "Kind:         " << (index ? "index" : "transform") << "\n"
            << "ABI:          " << info.abi_major << "." << info.abi_minor
            << " (this host: " << KUBE_PLUGIN_ABI_MAJOR << "." << KUBE_PLUGIN_ABI_MINOR << ")\n"
            << "Concurrency:  "
            << (info.concurrent_calls ? "concurrent calls on one instance"
                                      : "calls on one instance are serialized by the host")
            << "\n"
            << "Functions:    " << absl::StrJoin(functions, ", ") << "\n";
  if (index) std::cout << "Index name:   " << info.name << "\n";
  if (check_config) {
    absl::Status created = index ? (*library)->NewIndexFunction(use->config).status()
                                 : (*library)->NewTransform(use->config).status();
    if (!created.ok()) {
      std::cout << "Config:       refused\n" << std::flush;
      return absl::Status(created.code(), absl::StrCat("config refused: ", created.message()));
    }
    std::cout << "Config:       accepted (" << use->config.size() << " bytes)\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PluginCommand(const Flags& flags) {
  if (flags.args.size() >= 2 && flags.args[1] == "inspect") return Inspect(flags);
  return absl::InvalidArgumentError(kPluginUsage);
}

}  // namespace kube::tool
