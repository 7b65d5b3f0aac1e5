// kube::config client config — a merged kubeconfig plus command-line style overrides, turned
// into the RestConfig the transport consumes.
//
// Where it sits: loading_rules (merged Kubeconfig) -> BuildRestConfig (this header) ->
// RestConfig -> transport. The loader calls it; tools and tests may call it directly.
//
// Selection, as kubectl does it: the context is overrides.context, else current-context; the
// cluster and user are the overrides, else the context's; the namespace is the override, else
// the context's, else "default". Naming a context, cluster or user that the kubeconfig does not
// define is NotFound naming it (stricter than client-go, which silently uses an empty user when
// a context names a missing one).
//
// Override rules copied from kubectl's behaviour:
//   * --insecure-skip-tls-verify clears the kubeconfig's CA (file and data);
//   * --certificate-authority replaces the kubeconfig's CA and clears insecure-skip-tls-verify;
//   * --server clears the kubeconfig's tls-server-name unless --tls-server-name is given too;
//   * --token replaces the user's token and tokenFile (other credentials stay, and are
//     validated with it);
//   * --as / --as-uid / --as-group replace the user's `as` / `as-uid` / `as-groups`.
//
// Validation (every problem is reported at once, InvalidArgument): a CA together with
// insecure-skip-tls-verify; certificate-authority and certificate-authority-data together; a
// token (or tokenFile) together with basic auth; a client certificate without a key (or the
// reverse), or a file and inline data for the same one; exec without command, apiVersion or
// interactiveMode (defaulted to IfAvailable for v1alpha1/v1beta1, required for v1), an unnamed
// exec env variable, exec together with auth-provider; as-uid/as-groups/as-user-extra without
// `as`; a proxy-url that is not http, https or socks5; a server with another scheme; files the
// config names (CA, client certificate and key, tokenFile) that cannot be read. A user whose
// only way to authenticate is an `auth-provider` is Unimplemented: kubecpp supports exec
// credential plugins instead (client-go itself removed the gcp and azure providers).
//
// Credentials in the result follow client-go's precedence: a token (kept together with its
// tokenFile, which the transport re-reads), basic auth and client certificates are used as
// given; an exec plugin is kept only when none of those is present (client-go's exec
// authenticator steps aside for them too).
#ifndef KUBECPP_CLIENT_CONFIG_CLIENT_CONFIG_H_
#define KUBECPP_CLIENT_CONFIG_CLIENT_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/config/kubeconfig.h"
#include "client/config/rest_config.h"

namespace kube::config {

// ConfigOverrides are kubectl's global flags. Empty fields override nothing.
struct ConfigOverrides {
  std::string context;                    // --context
  std::string cluster;                    // --cluster
  std::string user;                       // --user
  std::string namespace_;                 // --namespace
  std::string server;                     // --server
  std::string tls_server_name;            // --tls-server-name
  bool insecure_skip_tls_verify = false;  // --insecure-skip-tls-verify (false overrides nothing)
  std::string certificate_authority;      // --certificate-authority (a path)
  std::string token;                      // --token
  std::string impersonate;                // --as
  std::string impersonate_uid;            // --as-uid
  std::vector<std::string> impersonate_groups;            // --as-group, repeatable
  absl::Duration request_timeout = absl::ZeroDuration();  // --request-timeout; 0 = none
};

// ParseRequestTimeout reads a --request-timeout value as kubectl does: a bare non-negative
// integer is seconds ("0" = no timeout); otherwise a duration such as "1s", "2m", "1h30m".
absl::StatusOr<absl::Duration> ParseRequestTimeout(absl::string_view value);

// SelectedContext says which kubeconfig entries a RestConfig was built from.
struct SelectedContext {
  std::string context;  // "" when no context is selected (overrides alone)
  std::string cluster;
  std::string user;
  std::string context_origin;  // the file that defined the context, when there is one
};

// BuildRestConfig selects the context, applies `overrides`, validates and produces the
// RestConfig. Reads only the files the config names, to check they are readable (as client-go
// does when it builds a config). `selected`, when not null, receives the selection.
// When nothing at all is configured (no context, no cluster, no server) the status satisfies
// IsEmptyConfig: the loader then falls back to the in-cluster config.
absl::StatusOr<RestConfig> BuildRestConfig(const Kubeconfig& config,
                                           const ConfigOverrides& overrides,
                                           SelectedContext* selected = nullptr);

// IsEmptyConfig is true for BuildRestConfig's "no configuration has been provided" status.
bool IsEmptyConfig(const absl::Status& status);

// ApplyOverridesToInCluster applies the overrides that make sense without a kubeconfig to an
// in-cluster RestConfig: server, certificate authority, tls-server-name, insecure, token,
// impersonation, namespace and request timeout (client-go honours server, token and CA there).
void ApplyOverridesToInCluster(const ConfigOverrides& overrides, RestConfig& config);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_CLIENT_CONFIG_H_
