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
#include "client/rest/rest_client.h"
#include "client/transport/transport.h"
#include "client/typed/resource_client.h"
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
  std::string output;    // "", "json", "yaml", "name"
  std::string file;      // -f
  std::string selector;  // -l
  bool until_synced = false;
  int timeout_seconds = 0;                // watch: stop after this long; 0 = until interrupted
  std::string field_selector;             // get: --field-selector
  std::string wire = "protobuf";          // get/apply/delete: --wire json|protobuf
  std::string field_manager = "kubecpp";  // apply: --field-manager
  bool force_conflicts = false;           // apply: --force-conflicts
  bool metadata_only = false;             // watch: PartialObjectMetadata of any resource
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

// ---- Typed access (cli_typed.cc) -------------------------------------------------------------

// RestClientFor is the rest::RestClient over the session's transport.
absl::StatusOr<std::shared_ptr<rest::RestClient>> RestClientFor(const Session& session);

// ResourceClientFor is the typed client of `kind` in namespace `ns` ("" = all namespaces) over
// the --wire format.
absl::StatusOr<typed::ResourceClient> ResourceClientFor(const Session& session, const Flags& flags,
                                                        const api::KindInfo& kind,
                                                        absl::string_view ns);

// KindLabel names a kind as kubectl does in its messages: "configmap", "deployment.apps".
std::string KindLabel(const api::KindInfo& kind);

// ManifestObject is one document of a manifest file, resolved against the built-in kinds.
struct ManifestObject {
  const api::KindInfo* kind = nullptr;
  std::string name;
  std::string ns;    // metadata.namespace, else -n, else the context's (namespaced kinds only)
  std::string json;  // the document as JSON text
};

// ReadManifests reads -f FILE ("-" = stdin): YAML or JSON, one or more documents separated by
// "---". Each needs apiVersion and kind of a built-in resource and metadata.name.
absl::StatusOr<std::vector<ManifestObject>> ReadManifests(const std::string& file,
                                                          const std::string& default_ns);

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_CLI_H_
