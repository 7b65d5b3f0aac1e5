// The shared parts of the kubecpp commands: flags, the connection to the server, kind lookup.
#ifndef KUBECPP_TOOLS_KUBECPP_CLI_H_
#define KUBECPP_TOOLS_KUBECPP_CLI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/registry.h"
#include "client/config/loader.h"
#include "client/transport/transport.h"
#include "google/protobuf/message.h"
#include "tools/kubecpp/plugin_flags.h"

namespace kube::tool {

inline constexpr absl::string_view kVersion = "v0.1.0";
inline constexpr absl::string_view kProtobuf = "application/vnd.kubernetes.protobuf";

struct Flags {
  std::string kubeconfig;
  std::string context;
  std::string ns;
  bool all_namespaces = false;
  std::string output;    // "", "json", "name"
  std::string file;      // -f
  std::string selector;  // -l
  bool until_synced = false;
  bool metadata_only = false;  // watch: PartialObjectMetadata of any resource (via discovery)
  int timeout_seconds = 0;     // watch: stop after this long; 0 = until interrupted
  std::vector<std::string> args;
  PluginFlags plugin;  // --plugin, --index, --index-value, --sha256, --plugin-dir
};

// ParseFlags reads the global and per-command flags; positional words land in `args`.
absl::StatusOr<Flags> ParseFlags(int argc, char** argv);

// Session is what every command needs: the configuration found and a transport to its server.
struct Session {
  config::LoadedRestConfig loaded;
  std::shared_ptr<transport::Transport> transport;
  std::string prefix;  // the path prefix of the configured host, if any
  std::string ns;      // -n, else the context's namespace

  absl::StatusOr<transport::Response> Do(transport::Request request) const {
    request.target = prefix + request.target;
    if (request.timeout == absl::InfiniteDuration()) request.timeout = absl::Seconds(30);
    return transport->RoundTrip(request);
  }
};

// Connect finds the configuration the way kubectl does and opens a transport to its server.
absl::StatusOr<Session> Connect(const Flags& flags);

// HttpError turns a non-2xx response into a status carrying the server's message.
absl::Status HttpError(const transport::Request& request, const transport::Response& response);

// Get fetches one path and returns the body of a 2xx response.
absl::StatusOr<std::string> Get(const Session& session, const std::string& path,
                                absl::string_view accept = "application/json");

// FindKind resolves "pods", "pod", "Pod", "deployments.apps" against the built-in kinds.
absl::StatusOr<const api::KindInfo*> FindKind(absl::string_view name);

// Age renders how long ago an object was created, the way kubectl does ("5m", "3d").
std::string Age(const api::meta::v1::ObjectMeta& meta);

// MetadataOf returns the ObjectMeta of a built-in kind's message, or null.
const api::meta::v1::ObjectMeta* MetadataOf(const google::protobuf::Message& object);

// ResourcePath is the REST path of a kind's collection (name empty) or of one object.
std::string ResourcePath(const api::KindInfo& kind, absl::string_view ns, absl::string_view name);

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_CLI_H_
