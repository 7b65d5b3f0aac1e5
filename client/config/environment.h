// kube::config::EnvLookup — the process environment as configuration loading sees it.
//
// Loading reads KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/_PORT and POD_NAMESPACE. Every reader
// takes an EnvLookup so tests (and embedders) inject variables instead of mutating the real
// environment. Where it sits: environment -> loader / in_cluster -> RestConfig.
#ifndef KUBECPP_CLIENT_CONFIG_ENVIRONMENT_H_
#define KUBECPP_CLIENT_CONFIG_ENVIRONMENT_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kube::config {

// EnvLookup returns a variable's value, or nullopt when it is unset. Set-but-empty returns "".
// Lookups must be safe to call from the thread that loads configuration.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// ProcessEnvironment reads the real environment with getenv. Thread-safe as long as nothing
// calls setenv/putenv concurrently (a POSIX rule, not ours).
EnvLookup ProcessEnvironment();

// FixedEnvironment serves exactly `vars`; every other variable is unset. For tests.
EnvLookup FixedEnvironment(std::map<std::string, std::string> vars);

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_ENVIRONMENT_H_
