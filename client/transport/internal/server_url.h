// kube::transport::internal::ServerUrl — the parts of RestConfig::host the transport dials.
//
// Accepts "https://host:port[/prefix]", "http://host:port[/prefix]", IPv6 in brackets, and a
// bare "host:port" (https, as client-go). The path prefix is the caller's business (requests
// carry full targets); a query or fragment is an error.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_SERVER_URL_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_SERVER_URL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::transport::internal {

struct ServerUrl {
  bool tls = true;
  std::string host;  // DNS name or IP, IPv6 without brackets
  uint16_t port = 443;
  std::string authority;  // for the Host header: host[:port] as written, IPv6 bracketed
  std::string base_url;   // scheme://authority
};

absl::StatusOr<ServerUrl> ParseServerUrl(absl::string_view url);

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_SERVER_URL_H_
