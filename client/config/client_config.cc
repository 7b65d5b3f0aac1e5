#include "client/config/client_config.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/config/internal/files.h"
#include "client/config/internal/quote.h"

namespace kube::config {
namespace {

constexpr absl::string_view kEmptyConfigPayload = "type.kubecpp.io/kube.config.EmptyConfig";

// KnownNames lists a map's keys for "not found" messages (bounded: kubeconfigs can be large).
template <typename Map>
std::string KnownNames(const Map& map) {
  if (map.empty()) return "none are defined";
  std::vector<std::string> names;
  for (const auto& [name, unused] : map) {
    if (names.size() == 10) {
      names.push_back("...");
      break;
    }
    names.push_back(internal::QuoteForMessage(name));
  }
  return absl::StrCat("defined: ", absl::StrJoin(names, ", "));
}

// ShowName quotes a name for a message: in full when the caller passed it (a flag), guarded by
// QuoteForMessage when it came from a file.
std::string ShowName(absl::string_view name, bool from_override) {
  if (from_override) return absl::StrCat("\"", absl::CHexEscape(name), "\"");
  return internal::QuoteForMessage(name);
}

std::string NamedBy(absl::string_view override_value, absl::string_view context) {
  if (!override_value.empty()) return "named by the override";
  return absl::StrCat("named by context ", internal::QuoteForMessage(context));
}

// Scheme returns the part of a URL before "://", or "" when there is none.
absl::string_view Scheme(absl::string_view url) {
  size_t pos = url.find("://");
  return pos == absl::string_view::npos ? absl::string_view() : url.substr(0, pos);
}

void ValidateCluster(absl::string_view name, const KubeconfigCluster& cluster,
                     std::vector<std::string>& errors) {
  const std::string who = name.empty() ? "the default cluster"
                                       : absl::StrCat("cluster ", internal::QuoteForMessage(name));
  if (cluster.server.empty()) {
    errors.push_back(absl::StrCat("no server found for ", who));
  } else if (absl::string_view scheme = Scheme(cluster.server);
             !scheme.empty() && scheme != "https" && scheme != "http") {
    errors.push_back(absl::StrCat("server ", internal::QuoteForMessage(cluster.server), " of ", who,
                                  " has unsupported scheme ", internal::QuoteForMessage(scheme),
                                  " (must be https or http)"));
  }
  if (!cluster.proxy_url.empty()) {
    absl::string_view scheme = Scheme(cluster.proxy_url);
    if (scheme != "http" && scheme != "https" && scheme != "socks5") {
      errors.push_back(absl::StrCat("invalid proxy-url ",
                                    internal::QuoteForMessage(cluster.proxy_url), " for ", who,
                                    ": the scheme must be http, https or socks5"));
    }
  }
  const bool has_ca =
      !cluster.certificate_authority.empty() || !cluster.certificate_authority_data.empty();
  if (cluster.insecure_skip_tls_verify && has_ca) {
    errors.push_back(
        absl::StrCat("insecure-skip-tls-verify cannot be combined with a certificate "
                     "authority (certificate-authority or "
                     "certificate-authority-data) for ",
                     who));
  }
  if (!cluster.certificate_authority.empty() && !cluster.certificate_authority_data.empty()) {
    errors.push_back(absl::StrCat(
        "certificate-authority and certificate-authority-data are both specified for ", who));
  }
  if (!cluster.certificate_authority.empty()) {
    if (absl::Status s =
            internal::CheckReadable(cluster.certificate_authority, "certificate-authority");
        !s.ok()) {
      errors.push_back(absl::StrCat("unable to read ", s.message(), " for ", who));
    }
  }
}

void ValidateUser(absl::string_view name, const KubeconfigUser& user,
                  std::vector<std::string>& errors) {
  const std::string who =
      name.empty() ? "the default user" : absl::StrCat("user ", internal::QuoteForMessage(name));
  std::vector<std::string> methods;
  if (!user.token.empty() || !user.token_file.empty()) methods.push_back("token");
  if (!user.username.empty() || !user.password.empty()) methods.push_back("basic auth");
  if (methods.size() > 1) {
    errors.push_back(absl::StrCat("more than one authentication method found for ", who, " (",
                                  absl::StrJoin(methods, " and "), "); only one is allowed"));
  }
  if (!user.token_file.empty()) {
    if (absl::Status s = internal::CheckReadable(user.token_file, "tokenFile"); !s.ok()) {
      errors.push_back(absl::StrCat("unable to read ", s.message(), " for ", who));
    }
  }

  const bool has_cert = !user.client_certificate.empty() || !user.client_certificate_data.empty();
  const bool has_key = !user.client_key.empty() || !user.client_key_data.empty();
  if (has_cert && !has_key) {
    errors.push_back(absl::StrCat("client-key or client-key-data must be specified for ", who,
                                  " to use a client certificate"));
  }
  if (has_key && !has_cert) {
    errors.push_back(
        absl::StrCat("client-certificate or client-certificate-data must be "
                     "specified for ",
                     who, " to use a client key"));
  }
  if (!user.client_certificate.empty() && !user.client_certificate_data.empty()) {
    errors.push_back(absl::StrCat(
        "client-certificate and client-certificate-data are both specified for ", who));
  }
  if (!user.client_key.empty() && !user.client_key_data.empty()) {
    errors.push_back(absl::StrCat("client-key and client-key-data are both specified for ", who));
  }
  if (!user.client_certificate.empty()) {
    if (absl::Status s = internal::CheckReadable(user.client_certificate, "client-certificate");
        !s.ok()) {
      errors.push_back(absl::StrCat("unable to read ", s.message(), " for ", who));
    }
  }
  if (!user.client_key.empty()) {
    if (absl::Status s = internal::CheckReadable(user.client_key, "client-key"); !s.ok()) {
      errors.push_back(absl::StrCat("unable to read ", s.message(), " for ", who));
    }
  }

  if (user.exec) {
    const ExecConfig& exec = *user.exec;
    if (user.auth_provider) {
      errors.push_back(absl::StrCat("auth-provider cannot be combined with exec for ", who));
    }
    if (exec.command.empty()) {
      errors.push_back(absl::StrCat("exec.command must be specified for ", who,
                                    " to use an exec credential plugin"));
    }
    if (exec.api_version.empty()) {
      errors.push_back(absl::StrCat("exec.apiVersion must be specified for ", who,
                                    " to use an exec credential plugin"));
    }
    for (const auto& [var, value] : exec.env) {
      if (var.empty()) {
        errors.push_back(absl::StrCat("exec.env has an entry without a name for ", who));
        break;
      }
    }
    if (exec.interactive_mode.empty()) {
      errors.push_back(absl::StrCat("exec.interactiveMode must be specified for ", who,
                                    " to use an exec credential plugin (Never, IfAvailable or "
                                    "Always)"));
    } else if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable" &&
               exec.interactive_mode != "Always") {
      errors.push_back(absl::StrCat("invalid exec.interactiveMode ",
                                    internal::QuoteForMessage(exec.interactive_mode), " for ", who,
                                    " (Never, IfAvailable or Always)"));
    }
  }

  if (user.impersonate.empty() &&
      (!user.impersonate_uid.empty() || !user.impersonate_groups.empty() ||
       !user.impersonate_user_extra.empty())) {
    errors.push_back(absl::StrCat("as-uid, as-groups or as-user-extra requested for ", who,
                                  " without impersonating a user (as)"));
  }
}

absl::Status EmptyConfigError() {
  absl::Status status = absl::NotFoundError(
      "no configuration has been provided: no context is selected and no server is set");
  status.SetPayload(kEmptyConfigPayload, absl::Cord("1"));
  return status;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseRequestTimeout(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  int64_t seconds = 0;
  if (absl::SimpleAtoi(value, &seconds) && seconds >= 0) return absl::Seconds(seconds);
  absl::Duration duration;
  if (!value.empty() && absl::ParseDuration(value, &duration) && duration >= absl::ZeroDuration() &&
      duration != absl::InfiniteDuration()) {
    return duration;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid request timeout \"", value,
                   "\": use a whole number of seconds or a number with a unit (e.g. 1s, 2m, 3h)"));
}

bool IsEmptyConfig(const absl::Status& status) {
  return absl::IsNotFound(status) && status.GetPayload(kEmptyConfigPayload).has_value();
}

absl::StatusOr<RestConfig> BuildRestConfig(const Kubeconfig& config,
                                           const ConfigOverrides& overrides,
                                           SelectedContext* selected) {
  // 1. Which context, cluster and user.
  const std::string context_name =
      !overrides.context.empty() ? overrides.context : config.current_context;
  KubeconfigContext context;
  if (!context_name.empty()) {
    auto it = config.contexts.find(context_name);
    if (it == config.contexts.end()) {
      return absl::NotFoundError(
          absl::StrCat("context ", ShowName(context_name, !overrides.context.empty()), " ",
                       overrides.context.empty() ? "(the current-context) " : "",
                       "not found in the kubeconfig (", KnownNames(config.contexts), ")"));
    }
    context = it->second;
  }
  const std::string cluster_name = !overrides.cluster.empty() ? overrides.cluster : context.cluster;
  const std::string user_name = !overrides.user.empty() ? overrides.user : context.user;

  KubeconfigCluster cluster;
  if (!cluster_name.empty()) {
    auto it = config.clusters.find(cluster_name);
    if (it == config.clusters.end()) {
      return absl::NotFoundError(
          absl::StrCat("cluster ", ShowName(cluster_name, !overrides.cluster.empty()), " (",
                       NamedBy(overrides.cluster, context_name), ") not found in the kubeconfig (",
                       KnownNames(config.clusters), ")"));
    }
    cluster = it->second;
  }
  KubeconfigUser user;
  if (!user_name.empty()) {
    auto it = config.users.find(user_name);
    if (it == config.users.end()) {
      return absl::NotFoundError(absl::StrCat("user ", ShowName(user_name, !overrides.user.empty()),
                                              " (", NamedBy(overrides.user, context_name),
                                              ") not found in the kubeconfig (",
                                              KnownNames(config.users), ")"));
    }
    user = it->second;
  }

  // 2. Overrides.
  if (!overrides.server.empty()) cluster.server = overrides.server;
  if (overrides.insecure_skip_tls_verify || !overrides.certificate_authority.empty()) {
    cluster.insecure_skip_tls_verify = overrides.insecure_skip_tls_verify;
    cluster.certificate_authority = overrides.certificate_authority;
    cluster.certificate_authority_data.clear();
  }
  if (!overrides.tls_server_name.empty() || !overrides.server.empty()) {
    cluster.tls_server_name = overrides.tls_server_name;
  }
  if (!overrides.token.empty()) {
    user.token = overrides.token;
    user.token_file.clear();
  }
  if (!overrides.impersonate.empty()) user.impersonate = overrides.impersonate;
  if (!overrides.impersonate_uid.empty()) user.impersonate_uid = overrides.impersonate_uid;
  if (!overrides.impersonate_groups.empty()) user.impersonate_groups = overrides.impersonate_groups;
  if (user.exec && user.exec->interactive_mode.empty() &&
      (user.exec->api_version == "client.authentication.k8s.io/v1beta1" ||
       user.exec->api_version == "client.authentication.k8s.io/v1alpha1")) {
    user.exec->interactive_mode = "IfAvailable";
  }

  // 3. Validation.
  if (cluster.server.empty() && context_name.empty() && cluster_name.empty()) {
    return EmptyConfigError();
  }
  std::vector<std::string> errors;
  ValidateCluster(cluster_name, cluster, errors);
  ValidateUser(user_name, user, errors);
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid configuration: ", absl::StrJoin(errors, "; ")));
  }
  if (user.auth_provider && overrides.token.empty()) {
    const std::string& provider = user.auth_provider->name;
    std::string why = "kubecpp does not implement auth-provider plugins";
    if (provider == "gcp" || provider == "azure") {
      why = "it was removed from Kubernetes clients (client-go too)";
    }
    return absl::UnimplementedError(absl::StrCat(
        "user ", internal::QuoteForMessage(user_name), " authenticates with auth-provider ",
        internal::QuoteForMessage(provider), ", but ", why,
        "; configure an exec credential plugin (users[].user.exec, "
        "client.authentication.k8s.io/v1) instead, e.g. kubelogin for OIDC"));
  }

  // 4. The RestConfig.
  RestConfig rest;
  rest.host =
      Scheme(cluster.server).empty() ? absl::StrCat("https://", cluster.server) : cluster.server;
  rest.tls.insecure_skip_verify = cluster.insecure_skip_tls_verify;
  rest.tls.server_name = cluster.tls_server_name;
  rest.tls.ca_file = cluster.certificate_authority;
  rest.tls.ca_data = cluster.certificate_authority_data;
  rest.tls.cert_file = user.client_certificate;
  rest.tls.cert_data = user.client_certificate_data;
  rest.tls.key_file = user.client_key;
  rest.tls.key_data = user.client_key_data;
  rest.bearer_token = user.token;
  rest.bearer_token_file = user.token_file;
  rest.username = user.username;
  rest.password = user.password;
  const bool has_other_credentials = !user.token.empty() || !user.token_file.empty() ||
                                     !user.username.empty() || !user.password.empty() ||
                                     !user.client_certificate.empty() ||
                                     !user.client_certificate_data.empty();
  if (user.exec && !has_other_credentials) rest.exec = user.exec;
  rest.impersonate.user = user.impersonate;
  rest.impersonate.uid = user.impersonate_uid;
  rest.impersonate.groups = user.impersonate_groups;
  rest.impersonate.extra = user.impersonate_user_extra;
  rest.timeout = overrides.request_timeout;
  rest.disable_compression = cluster.disable_compression;
  rest.proxy_url = cluster.proxy_url;
  rest.namespace_ = !overrides.namespace_.empty() ? overrides.namespace_
                    : !context.namespace_.empty() ? context.namespace_
                                                  : "default";
  if (selected != nullptr) {
    *selected = SelectedContext{.context = context_name,
                                .cluster = cluster_name,
                                .user = user_name,
                                .context_origin = context.origin};
  }
  return rest;
}

void ApplyOverridesToInCluster(const ConfigOverrides& overrides, RestConfig& config) {
  if (!overrides.server.empty()) {
    config.host = Scheme(overrides.server).empty() ? absl::StrCat("https://", overrides.server)
                                                   : overrides.server;
  }
  if (overrides.insecure_skip_tls_verify || !overrides.certificate_authority.empty()) {
    config.tls.insecure_skip_verify = overrides.insecure_skip_tls_verify;
    config.tls.ca_file = overrides.certificate_authority;
    config.tls.ca_data.clear();
  }
  if (!overrides.tls_server_name.empty()) config.tls.server_name = overrides.tls_server_name;
  if (!overrides.token.empty()) {
    config.bearer_token = overrides.token;
    config.bearer_token_file.clear();
  }
  if (!overrides.impersonate.empty()) config.impersonate.user = overrides.impersonate;
  if (!overrides.impersonate_uid.empty()) config.impersonate.uid = overrides.impersonate_uid;
  if (!overrides.impersonate_groups.empty()) {
    config.impersonate.groups = overrides.impersonate_groups;
  }
  if (!overrides.namespace_.empty()) config.namespace_ = overrides.namespace_;
  config.timeout = overrides.request_timeout;
}

}  // namespace kube::config
