// kube::config in-cluster configuration — the RestConfig of a pod's service account.
//
// Where it sits: environment + service-account files -> InClusterConfig (this header) ->
// RestConfig; the loader falls back to it when no kubeconfig configures anything.
//
// As client-go's rest.InClusterConfig: the server is https://KUBERNETES_SERVICE_HOST:
// KUBERNETES_SERVICE_PORT (an IPv6 host is bracketed); the token is the service-account token
// file, passed as `bearer_token_file` so the transport re-reads it (projected tokens rotate);
// the CA is the service account's ca.crt when it is readable (otherwise left unset, with a
// warning, as client-go only logs it). The namespace is POD_NAMESPACE, else the service
// account's `namespace` file, else "default".
#ifndef KUBECPP_CLIENT_CONFIG_IN_CLUSTER_H_
#define KUBECPP_CLIENT_CONFIG_IN_CLUSTER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/config/environment.h"
#include "client/config/rest_config.h"

namespace kube::config {

inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

struct InClusterOptions {
  EnvLookup env;  // unset: the process environment
  // Holds `token`, `ca.crt` and `namespace`. Tests point it at a temporary directory.
  std::string service_account_dir = kServiceAccountDir;
};

// InClusterPossible is true when both service variables are set and the token file exists
// (client-go's inClusterClientConfig.Possible).
bool InClusterPossible(const InClusterOptions& options);

// InClusterConfig builds the in-cluster RestConfig. Without the service variables it fails with
// NotFound "not running in a cluster ..." (IsNotInCluster); an unreadable token file is an error
// naming it. `warnings`, when not null, receives non-fatal findings (a missing CA).
absl::StatusOr<RestConfig> InClusterConfig(const InClusterOptions& options,
                                           std::vector<std::string>* warnings = nullptr);

// IsNotInCluster is true for InClusterConfig's "not running in a cluster" status.
bool IsNotInCluster(const absl::Status& status);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_IN_CLUSTER_H_
