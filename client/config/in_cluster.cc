#include "client/config/in_cluster.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/config/internal/files.h"

namespace kube::config {
namespace {

constexpr absl::string_view kNotInClusterPayload = "type.kubecpp.io/kube.config.NotInCluster";
// Service-account files are tiny; anything bigger is not one.
constexpr size_t kMaxServiceAccountFileBytes = 1 << 20;

std::string Get(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  return value.value_or("");
}

}  // namespace

bool InClusterPossible(const InClusterOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnvironment();
  return !Get(env, "KUBERNETES_SERVICE_HOST").empty() &&
         !Get(env, "KUBERNETES_SERVICE_PORT").empty() &&
         internal::IsRegularFile(internal::JoinPath(options.service_account_dir, "token"));
}

absl::StatusOr<RestConfig> InClusterConfig(const InClusterOptions& options,
                                           std::vector<std::string>* warnings) {
  const EnvLookup env = options.env ? options.env : ProcessEnvironment();
  std::string host = Get(env, "KUBERNETES_SERVICE_HOST");
  const std::string port = Get(env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    absl::Status status = absl::NotFoundError(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "defined for the in-cluster configuration");
    status.SetPayload(kNotInClusterPayload, absl::Cord("1"));
    return status;
  }
  // net.JoinHostPort: a host holding ':' is an IPv6 literal and needs brackets.
  if (absl::StrContains(host, ':') && !absl::StartsWith(host, "[")) {
    host = absl::StrCat("[", host, "]");
  }

  const std::string dir = options.service_account_dir;
  const std::string token_file = internal::JoinPath(dir, "token");
  if (absl::StatusOr<std::string> token =
          internal::ReadSmallFile(token_file, kMaxServiceAccountFileBytes, "service-account token");
      !token.ok()) {
    return absl::Status(token.status().code(),
                        absl::StrCat("in-cluster configuration: ", token.status().message()));
  }

  RestConfig config;
  config.host = absl::StrCat("https://", host, ":", port);
  config.bearer_token_file = token_file;

  const std::string ca_file = internal::JoinPath(dir, "ca.crt");
  absl::StatusOr<std::string> ca =
      internal::ReadSmallFile(ca_file, kMaxServiceAccountFileBytes, "service-account CA");
  if (ca.ok() && absl::StrContains(*ca, "-----BEGIN CERTIFICATE-----")) {
    config.tls.ca_file = ca_file;
  } else if (warnings != nullptr) {
    warnings->push_back(
        absl::StrCat("in-cluster CA ", ca_file, " is not usable (",
                     ca.ok() ? "no PEM certificate in it" : std::string(ca.status().message()),
                     "); the server is verified against the system roots"));
  }

  if (std::string ns = Get(env, "POD_NAMESPACE"); !ns.empty()) {
    config.namespace_ = ns;
  } else if (absl::StatusOr<std::string> file = internal::ReadSmallFile(
                 internal::JoinPath(dir, "namespace"), kMaxServiceAccountFileBytes, "namespace");
             file.ok() && !absl::StripAsciiWhitespace(*file).empty()) {
    config.namespace_ = std::string(absl::StripAsciiWhitespace(*file));
  } else {
    config.namespace_ = "default";
  }
  return config;
}

bool IsNotInCluster(const absl::Status& status) {
  return absl::IsNotFound(status) && status.GetPayload(kNotInClusterPayload).has_value();
}

}  // namespace kube::config
