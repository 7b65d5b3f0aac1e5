// kube::config::RestConfig — everything needed to talk to one apiserver as one identity.
//
// The contract between client/config (which fills it from a kubeconfig, the in-cluster
// environment or code) and client/transport + client/rest (which consume it). Plain data: copy
// and compare freely; no I/O happens here. Where it sits: config -> RestConfig -> transport.
//
// Field precedence follows client-go's rest.Config: inline data wins over the file of the same
// thing; a token file is re-read by the transport (rotation); an exec plugin produces a token or
// a client certificate at request time. `DebugString()` redacts every secret.
#ifndef KUBECPP_CLIENT_CONFIG_REST_CONFIG_H_
#define KUBECPP_CLIENT_CONFIG_REST_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kube::config {

// ExecConfig mirrors a kubeconfig user's `exec` stanza (client.authentication.k8s.io).
struct ExecConfig {
  std::string command;  // resolved against the kubeconfig's dir if relative with a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string api_version;  // e.g. "client.authentication.k8s.io/v1"
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // "Never", "IfAvailable", "Always"; informational
  bool operator==(const ExecConfig&) const = default;
};

// Impersonation sets the Impersonate-* headers on every request.
struct Impersonation {
  std::string user;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
  bool operator==(const Impersonation&) const = default;
};

struct TlsConfig {
  bool insecure_skip_verify = false;  // only when explicitly asked; never together with a CA
  std::string server_name;            // SNI and the name verified in the server certificate
  std::string ca_file;
  std::string ca_data;  // PEM; wins over ca_file
  std::string cert_file;
  std::string cert_data;  // PEM; wins over cert_file
  std::string key_file;
  std::string key_data;  // PEM; wins over key_file
  bool operator==(const TlsConfig&) const = default;
};

struct RestConfig {
  // "https://host:port" optionally followed by a path prefix ("https://h/prefix").
  std::string host;
  TlsConfig tls;

  // Credentials: at most one of bearer token (or file), basic auth, exec.
  std::string bearer_token;
  std::string bearer_token_file;  // re-read periodically; the last good read wins
  std::string username;
  std::string password;
  std::optional<ExecConfig> exec;
  Impersonation impersonate;

  std::string user_agent;  // empty: "kubecpp/<version> (linux/amd64)"
  // Client-side rate limit for non-watch requests. qps == 0 -> defaults (5 / 10); qps < 0 ->
  // no client-side limiting (rely on API Priority and Fairness).
  double qps = 0;
  int burst = 0;
  absl::Duration timeout =
      absl::ZeroDuration();  // per request, 0 = none (watches never time out by it)
  bool disable_compression = false;
  std::string proxy_url;  // recorded from kubeconfig; proxies are not supported yet

  // The namespace of the selected context ("default" when none); used by tools, not transport.
  std::string namespace_ = "default";

  // A description safe for logs: secrets (token, password, key data, exec env) are redacted.
  std::string DebugString() const;

  bool operator==(const RestConfig&) const = default;
};

}  // namespace kube::config

#endif  // KUBECPP_CLIENT_CONFIG_REST_CONFIG_H_
