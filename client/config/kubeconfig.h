// kube::config::Kubeconfig — the kubeconfig file format (`kind: Config`, `apiVersion: v1`).
//
// Where it sits: kubeconfig files -> ParseKubeconfig / LoadKubeconfigFile (this header) ->
// loading_rules (which files, merged how) -> client_config (context + overrides -> RestConfig).
//
// The model keeps what client-go's clientcmd keeps: clusters, users and contexts keyed by name,
// and current-context. Preferences and extensions are ignored. `auth-provider` is recorded but
// kubecpp does not implement it (client_config reports a clear error when it is selected).
// `*-data` fields are base64 in the file and held decoded here.
//
// Parsing never throws and never crashes on bad input: every malformed file is an
// InvalidArgument status naming the file, the field path (`users[2].user.exec.args[0]`) and,
// where known, the line and column. Nesting beyond yaml-cpp's depth guard is rejected.
// Within one file, a cluster/user/context name may appear only once.
//
// Plain data: copy and compare freely; thread-compatible.
#ifndef KUBECPP_CLIENT_CONFIG_KUBECONFIG_H_
#define KUBECPP_CLIENT_CONFIG_KUBECONFIG_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/config/rest_config.h"

namespace kube::config {

// KubeconfigCluster is one `clusters[].cluster` entry.
struct KubeconfigCluster {
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;       // a path; absolute after LoadKubeconfigFile
  std::string certificate_authority_data;  // PEM, decoded from base64
  std::string proxy_url;
  bool disable_compression = false;
  std::string origin;  // the file that defined this entry (client-go's LocationOfOrigin)
  bool operator==(const KubeconfigCluster&) const = default;
};

// AuthProviderConfig is a user's legacy `auth-provider` stanza: recorded, not implemented.
struct AuthProviderConfig {
  std::string name;
  std::map<std::string, std::string> config;
  bool operator==(const AuthProviderConfig&) const = default;
};

// KubeconfigUser is one `users[].user` entry (client-go's AuthInfo).
struct KubeconfigUser {
  std::string client_certificate;       // path
  std::string client_certificate_data;  // PEM, decoded
  std::string client_key;               // path
  std::string client_key_data;          // PEM, decoded
  std::string token;
  std::string token_file;  // `tokenFile`; path
  std::string username;
  std::string password;
  std::string impersonate;                                                 // `as`
  std::string impersonate_uid;                                             // `as-uid`
  std::vector<std::string> impersonate_groups;                             // `as-groups`
  std::map<std::string, std::vector<std::string>> impersonate_user_extra;  // `as-user-extra`
  std::optional<ExecConfig> exec;  // exec.command is resolved like a path when it holds a '/'
  std::optional<AuthProviderConfig> auth_provider;
  std::string origin;
  bool operator==(const KubeconfigUser&) const = default;
};

// KubeconfigContext is one `contexts[].context` entry.
struct KubeconfigContext {
  std::string cluster;
  std::string user;
  std::string namespace_;
  std::string origin;
  bool operator==(const KubeconfigContext&) const = default;
};

struct Kubeconfig {
  std::map<std::string, KubeconfigCluster> clusters;
  std::map<std::string, KubeconfigUser> users;
  std::map<std::string, KubeconfigContext> contexts;
  std::string current_context;

  // True when the file defines nothing (no entries, no current-context), e.g. an empty file.
  bool empty() const {
    return clusters.empty() && users.empty() && contexts.empty() && current_context.empty();
  }
  bool operator==(const Kubeconfig&) const = default;
};

// Files larger than this are rejected before parsing (real kubeconfigs are kilobytes).
inline constexpr size_t kMaxKubeconfigBytes = size_t{16} << 20;

// ParseKubeconfig parses kubeconfig YAML. `source` names the input in error messages and becomes
// every entry's `origin`. Relative paths are left as written. An empty document (or one holding
// only comments or `null`) is an empty Kubeconfig, as in client-go.
absl::StatusOr<Kubeconfig> ParseKubeconfig(absl::string_view contents, absl::string_view source);

// LoadKubeconfigFile reads and parses `path`, then resolves the relative paths it names
// (certificate-authority, client-certificate, client-key, tokenFile, and exec.command when it
// contains a '/') against the absolute directory of `path`. A missing file is NotFound; a file
// over kMaxKubeconfigBytes is InvalidArgument.
absl::StatusOr<Kubeconfig> LoadKubeconfigFile(const std::string& path);

// ResolveRelativePaths makes the file references in `config` absolute against `base_dir`, the
// way client-go's ResolveLocalPaths does: empty and absolute paths are kept; relative ones become
// the lexically cleaned join of base_dir and the path. `base_dir` must be absolute.
void ResolveRelativePaths(Kubeconfig& config, absl::string_view base_dir);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_KUBECONFIG_H_
