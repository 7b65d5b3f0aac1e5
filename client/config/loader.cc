#include "client/config/loader.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/config/internal/status_macros.h"
#include "client/config/loading_rules.h"

namespace kube::config {
namespace {

// Tried describes where the loader looked, for the "nothing found" error.
std::string Tried(const LoadingRules& rules, const MergedKubeconfig& merged) {
  std::vector<std::string> parts;
  if (!rules.explicit_path.empty()) {
    parts.push_back(absl::StrCat("kubeconfig ", rules.explicit_path));
  } else if (rules.kubeconfig_env.has_value() && !rules.kubeconfig_env->empty()) {
    parts.push_back(absl::StrCat("KUBECONFIG=", *rules.kubeconfig_env));
  } else if (!rules.home_dir.empty()) {
    parts.push_back(absl::StrCat(rules.home_dir, "/.kube/config"));
  } else {
    parts.push_back("no kubeconfig (KUBECONFIG and HOME are unset)");
  }
  if (!merged.missing.empty()) {
    parts.back() += absl::StrCat(" (missing: ", absl::StrJoin(merged.missing, ", "), ")");
  } else if (!merged.loaded.empty()) {
    parts.back() += " (selects no context and sets no server)";
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

absl::StatusOr<LoadedRestConfig> LoadRestConfig(const LoaderOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnvironment();
  LoadingRules rules;
  rules.explicit_path = options.explicit_path;
  rules.kubeconfig_env = env("KUBECONFIG");
  rules.home_dir = options.home_dir.has_value() ? *options.home_dir : env("HOME").value_or("");

  LoadedRestConfig result;
  KUBE_CONFIG_ASSIGN_OR_RETURN(MergedKubeconfig merged, LoadAndMergeKubeconfigs(rules));
  if (rules.explicit_path.empty() && rules.kubeconfig_env.has_value() &&
      !rules.kubeconfig_env->empty() && merged.loaded.empty() && !merged.missing.empty()) {
    result.warnings.push_back(
        absl::StrCat("none of the KUBECONFIG files exist: ", absl::StrJoin(merged.missing, ", ")));
  }
  const std::string files = absl::StrJoin(merged.loaded, ":");

  absl::StatusOr<RestConfig> built =
      BuildRestConfig(merged.config, options.overrides, &result.selected);
  if (built.ok()) {
    result.config = *std::move(built);
    result.source = LoadedRestConfig::Source::kKubeconfig;
    result.kubeconfig_files = merged.loaded;
    const std::string what = files.empty() ? std::string("overrides only (no kubeconfig file)")
                                           : absl::StrCat("kubeconfig ", files);
    result.description = result.selected.context.empty()
                             ? absl::StrCat(what, " (no context)")
                             : absl::StrCat(what, " (context ", result.selected.context, ")");
    return result;
  }
  if (!IsEmptyConfig(built.status())) {
    if (files.empty()) return built.status();
    return absl::Status(built.status().code(),
                        absl::StrCat("kubeconfig ", files, ": ", built.status().message()));
  }

  InClusterOptions in_cluster{.env = env, .service_account_dir = options.service_account_dir};
  if (options.allow_in_cluster && InClusterPossible(in_cluster)) {
    std::vector<std::string> warnings = std::move(result.warnings);
    result = LoadedRestConfig{};
    result.warnings = std::move(warnings);
    KUBE_CONFIG_ASSIGN_OR_RETURN(result.config, InClusterConfig(in_cluster, &result.warnings));
    ApplyOverridesToInCluster(options.overrides, result.config);
    result.source = LoadedRestConfig::Source::kInCluster;
    result.description = "in-cluster";
    return result;
  }
  return absl::NotFoundError(absl::StrCat(
      "no Kubernetes configuration found: tried ", Tried(rules, merged),
      options.allow_in_cluster
          ? ", and the in-cluster environment (not running in a cluster: KUBERNETES_SERVICE_HOST, "
            "KUBERNETES_SERVICE_PORT or the service-account token is missing)"
          : "; in-cluster configuration was not allowed"));
}

}  // namespace kube::config
