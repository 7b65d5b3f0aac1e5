// kubecpp — the command-line face of the library (DESIGN.md decision 10).
//
//   kubecpp version                    client and server versions
//   kubecpp raw VERB PATH [-f FILE|-]  one request through client/transport, body to stdout
//   kubecpp get RESOURCE [NAME] [-n NS|-A] [-l SEL] [--field-selector SEL]
//               [-o json|yaml|name] [--wire json|protobuf]
//                                      typed read (client/typed), protobuf unless --wire json
//   kubecpp apply -f FILE [--field-manager NAME] [--force-conflicts]
//                                      server-side apply of every document in FILE
//   kubecpp delete RESOURCE NAME... [-n NS] | delete -f FILE
//   kubecpp watch RESOURCE [-n NS|-A] [-l SELECTOR] [--until-synced] [--timeout SECONDS]
//                 [--metadata-only]
//                                      an informer: one line per event (ADDED ns/name rv)
//   kubecpp watch ... --plugin FILE.so[=CONFIG] --index NAME[=VALUE]
//                                      plugins in the informer; after sync, the index's keys
//   kubecpp plugin inspect FILE.so[=CONFIG] [--sha256 D] [--plugin-dir DIR]
//                                      what a plugin declares, or why it is refused
//   kubecpp demo                       a short tour used by ./dev run
//
// Each command lives in its own file and is declared in commands.h; cli.h holds what they share.
// Global flags: --kubeconfig PATH, --context NAME, -n/--namespace NS. The configuration is found
// the way kubectl finds it (client/config/loader.h): --kubeconfig, then $KUBECONFIG, then
// ~/.kube/config, then in-cluster.
#include <iostream>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/rest/status.h"
#include "tools/kubecpp/cli.h"
#include "tools/kubecpp/commands.h"

namespace kube::tool {
namespace {

constexpr char kUsage[] =
    "usage: kubecpp [--kubeconfig PATH] [--context NAME] [-n NS] COMMAND\n"
    "  version                               client and server versions\n"
    "  raw VERB PATH [-f FILE|-]             one request, the body to stdout\n"
    "  get RESOURCE [NAME] [-A] [-l SEL] [--field-selector SEL] [-o json|yaml|name]\n"
    "      [--wire json|protobuf]            read built-in kinds (protobuf by default)\n"
    "  apply -f FILE [--field-manager NAME] [--force-conflicts]  server-side apply\n"
    "  delete RESOURCE NAME... | delete -f FILE  delete objects\n"
    "  watch RESOURCE [-l SEL] [--until-synced] [--timeout S]  an informer's events\n"
    "        [--metadata-only]               metadata only, any resource (found by discovery)\n"
    "        [--plugin FILE.so[=CONFIG]]... [--index NAME[=VALUE]]  with plugins; the index's "
    "keys\n"
    "  plugin inspect FILE.so[=CONFIG]       what a plugin declares, or why it is refused\n"
    "  demo                                  a short tour of the library\n";

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok() || flags->args.empty()) {
    std::cerr << (flags.ok() ? "" : absl::StrCat("kubecpp: ", flags.status().message(), "\n"))
              << kUsage;
    return 2;
  }
  const std::string& command = flags->args[0];
  absl::Status status;
  if (command == "version") {
    status = VersionCommand(*flags);
  } else if (command == "raw") {
    status = RawCommand(*flags);
  } else if (command == "get") {
    status = GetCommand(*flags);
  } else if (command == "apply") {
    status = ApplyCommand(*flags);
  } else if (command == "delete") {
    status = DeleteCommand(*flags);
  } else if (command == "watch") {
    status = WatchCommand(*flags);
  } else if (command == "plugin") {
    status = PluginCommand(*flags);
  } else if (command == "demo") {
    status = DemoCommand(*flags);
  } else {
    std::cerr << "kubecpp: unknown command " << command << "\n" << kUsage;
    return 2;
  }
  if (!status.ok()) {
    // Errors carrying the apiserver's Status read as kubectl's do.
    std::optional<rest::ApiStatus> api_status = rest::GetApiStatus(status);
    if (api_status.has_value() && !api_status->reason.empty()) {
      std::cerr << "Error from server (" << api_status->reason << "): " << status.message() << "\n";
    } else {
      std::cerr << "kubecpp: " << status.message() << "\n";
    }
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kube::tool

int main(int argc, char** argv) { return kube::tool::Main(argc, argv); }
