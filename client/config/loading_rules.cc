#include "client/config/loading_rules.h"

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/config/internal/files.h"
#include "client/config/internal/status_macros.h"

namespace kube::config {

std::vector<std::string> KubeconfigPrecedence(const LoadingRules& rules) {
  if (!rules.explicit_path.empty()) return {rules.explicit_path};
  std::vector<std::string> files;
  if (rules.kubeconfig_env.has_value() && !rules.kubeconfig_env->empty()) {
    std::set<std::string> seen;
    for (absl::string_view entry : absl::StrSplit(*rules.kubeconfig_env, ':')) {
      if (entry.empty()) continue;
      if (seen.emplace(entry).second) files.emplace_back(entry);
    }
    return files;
  }
  if (!rules.home_dir.empty()) files.push_back(internal::JoinPath(rules.home_dir, ".kube/config"));
  return files;
}

void MergeKubeconfig(Kubeconfig& merged, const Kubeconfig& next) {
  // map::insert keeps an existing key untouched: exactly "the first file wins the whole entry".
  merged.clusters.insert(next.clusters.begin(), next.clusters.end());
  merged.users.insert(next.users.begin(), next.users.end());
  merged.contexts.insert(next.contexts.begin(), next.contexts.end());
  if (merged.current_context.empty()) merged.current_context = next.current_context;
}

absl::StatusOr<MergedKubeconfig> LoadAndMergeKubeconfigs(const LoadingRules& rules) {
  MergedKubeconfig result;
  for (const std::string& file : KubeconfigPrecedence(rules)) {
    absl::StatusOr<Kubeconfig> config = LoadKubeconfigFile(file);
    if (absl::IsNotFound(config.status()) && rules.explicit_path.empty()) {
      result.missing.push_back(file);
      continue;
    }
    if (!config.ok()) return config.status();
    MergeKubeconfig(result.config, *config);
    result.loaded.push_back(file);
  }
  return result;
}

}  // namespace kube::config
