// kube::config loading rules — which kubeconfig files are read, and how they merge.
//
// Where it sits: kubeconfig (one file) -> loading rules (this header: the merged view of every
// file) -> client_config (context + overrides -> RestConfig) -> loader.
//
// The rules are kubectl's (client-go clientcmd.ClientConfigLoadingRules):
//   * an explicit path (--kubeconfig) is the only file read, and it must exist;
//   * else the KUBECONFIG list (':'-separated; empty entries and repeats dropped; files that do
//     not exist skipped);
//   * else ~/.kube/config, when it exists.
// Merge: for each cluster, user and context name, the first file defining it wins the whole
// entry (no field-level merging of same-named entries); the first non-empty current-context
// wins. Relative paths were already resolved against their own file by LoadKubeconfigFile, so a
// merged entry keeps pointing where its file meant.
#ifndef KUBECPP_CLIENT_CONFIG_LOADING_RULES_H_
#define KUBECPP_CLIENT_CONFIG_LOADING_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/config/kubeconfig.h"

namespace kube::config {

struct LoadingRules {
  std::string explicit_path;                  // --kubeconfig; wins over everything
  std::optional<std::string> kubeconfig_env;  // KUBECONFIG's value; unset or "" = not given
  std::string home_dir;                       // for ~/.kube/config; "" = no home file
};

// KubeconfigPrecedence lists the candidate files in precedence order (nothing is read).
std::vector<std::string> KubeconfigPrecedence(const LoadingRules& rules);

struct MergedKubeconfig {
  Kubeconfig config;
  std::vector<std::string> loaded;   // files read, in precedence order
  std::vector<std::string> missing;  // candidates that did not exist (never the explicit path)
};

// LoadAndMergeKubeconfigs reads the candidate files and merges them. A missing explicit path is
// NotFound; any file that exists but cannot be read or parsed fails the whole load (a broken
// file is never skipped silently). No candidates or none existing: an empty config.
absl::StatusOr<MergedKubeconfig> LoadAndMergeKubeconfigs(const LoadingRules& rules);

// MergeKubeconfig folds `next` (lower precedence) into `merged`: names `merged` already has keep
// their whole entry; current-context is taken from `next` only while `merged` has none.
void MergeKubeconfig(Kubeconfig& merged, const Kubeconfig& next);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_LOADING_RULES_H_
