// kube::config::LoadRestConfig — "give me a RestConfig the way kubectl would find one".
//
// Where it sits: the entry point of client/config. environment + files -> loading_rules ->
// client_config (+ overrides) -> RestConfig, or in_cluster when no kubeconfig configures
// anything; the result goes to the transport.
//
// Order, as client-go's deferred loading config: the explicit path (missing = NotFound), else the
// KUBECONFIG list, else ~/.kube/config; the merged kubeconfig plus overrides must then select
// something. If it selects nothing at all (no context, no cluster, no server) and the
// in-cluster environment is present, the in-cluster config is used (with the overrides that
// apply there). A kubeconfig that exists but is broken or invalid is an error, never a silent
// fallback.
//
// Environment and home directory are injected through LoaderOptions; nothing else is read from
// the process besides the files named. Thread-compatible; holds no state between calls.
#ifndef KUBECPP_CLIENT_CONFIG_LOADER_H_
#define KUBECPP_CLIENT_CONFIG_LOADER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/config/client_config.h"
#include "client/config/environment.h"
#include "client/config/in_cluster.h"
#include "client/config/rest_config.h"

namespace kube::config {

struct LoaderOptions {
  std::string explicit_path;            // --kubeconfig
  ConfigOverrides overrides;            // kubectl's global flags
  EnvLookup env;                        // unset: the process environment
  std::optional<std::string> home_dir;  // unset: $HOME from `env`
  std::string service_account_dir = kServiceAccountDir;
  bool allow_in_cluster = true;  // false: never fall back to in-cluster
};

struct LoadedRestConfig {
  enum class Source { kKubeconfig, kInCluster };

  RestConfig config;
  Source source = Source::kKubeconfig;
  // For logs and error messages: "kubeconfig /home/a/.kube/config (context dev)",
  // "kubeconfig /a:/b (context dev)" for a merged list, or "in-cluster".
  std::string description;
  std::vector<std::string> kubeconfig_files;  // the files merged; empty for in-cluster
  SelectedContext selected;                   // empty for in-cluster
  std::vector<std::string> warnings;          // non-fatal findings worth logging
};

// LoadRestConfig finds, merges, selects, overrides and validates. Errors name the file, field,
// context, cluster or user at fault. When neither a kubeconfig nor the in-cluster environment
// provides anything, the error is NotFound and lists what was tried.
absl::StatusOr<LoadedRestConfig> LoadRestConfig(const LoaderOptions& options);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_LOADER_H_
