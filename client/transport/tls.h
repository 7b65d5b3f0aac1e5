// kube::transport TLS — client TLS contexts and per-connection verification settings.
//
// Where it sits: the HTTP transport builds one context from RestConfig::tls at construction
// (and one more per client certificate an exec plugin produces), then prepares every TLS
// connection with PrepareTlsConnection before the handshake.
//
// Rules (client-go's): the server certificate is verified unless insecure_skip_verify is set,
// against ca_data, else ca_file, else the system roots; insecure_skip_verify together with a CA
// is an error. The name verified is server_name when set, else the URL's host; an IP address is
// verified as an IP (certificate IP SANs) and never sent as SNI. Client certificate and key come
// from data (winning over files) or from an exec plugin's ClientIdentity, and must match.
// TLS 1.2 at least; ALPN offers http/1.1 only.
//
// Thread-safety: a built context may be shared by connections on any thread.
#ifndef KUBECPP_CLIENT_TRANSPORT_TLS_H_
#define KUBECPP_CLIENT_TRANSPORT_TLS_H_

#include <openssl/ssl.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/asio/ssl/context.hpp"
#include "boost/system/error_code.hpp"
#include "client/config/rest_config.h"
#include "client/transport/credentials.h"

namespace kube::transport {

// NewTlsContext builds a client context for `tls`; a non-null `identity` replaces the configured
// client certificate. InvalidArgument for a bad combination, unreadable files, PEM without a
// certificate, or a key that does not match its certificate.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> NewTlsContext(
    const config::TlsConfig& tls, const ClientIdentity* identity);

// PrepareTlsConnection sets SNI and the expected name on one connection to `host` (a DNS name or
// an IP address, IPv6 without brackets).
absl::Status PrepareTlsConnection(SSL* ssl, absl::string_view host, const config::TlsConfig& tls);

// TlsHandshakeStatus describes a failed handshake with `server`: Unauthenticated when the server
// certificate failed verification (untrusted issuer, wrong name, expired), else Unavailable.
absl::Status TlsHandshakeStatus(SSL* ssl, const boost::system::error_code& error,
                                absl::string_view server);

// IsIpLiteral tells whether `host` is an IPv4 or IPv6 address (IPv6 without brackets).
bool IsIpLiteral(absl::string_view host);

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_TLS_H_
