// kube::transport::CredentialSource — where a request's credentials come from.
//
// Where it sits: RestConfig -> auth (NewCredentialSource picks the source: static token, token
// file, basic auth or exec plugin) -> CredentialSource -> the HTTP transport, which asks it once
// per request and tells it about 401 answers. Kept free of any network code so the rest of the
// project (and tests) can implement it.
//
// Thread-safety: implementations are thread-safe.
#ifndef KUBECPP_CLIENT_TRANSPORT_CREDENTIALS_H_
#define KUBECPP_CLIENT_TRANSPORT_CREDENTIALS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace kube::transport {

// ClientIdentity is a TLS client certificate and its private key, both PEM. An exec plugin may
// produce one at request time; it then replaces the certificate of the TLS configuration.
struct ClientIdentity {
  std::string certificate_pem;
  std::string key_pem;
  bool operator==(const ClientIdentity&) const = default;
};

// Credentials authenticate one request.
struct Credentials {
  // The full value of the Authorization header ("Bearer ...", "Basic ..."); empty for none.
  std::string authorization;
  // A client certificate produced at request time; null means the TLS configuration's own.
  // The same pointer is handed out for as long as the same certificate is valid, so a transport
  // may key its TLS contexts and pooled connections by it.
  std::shared_ptr<const ClientIdentity> client_identity;
};

class CredentialSource {
 public:
  using Callback = std::function<void(absl::StatusOr<Credentials>)>;

  virtual ~CredentialSource() = default;

  // Get produces credentials for one request and calls `done` exactly once: inline when they are
  // at hand (a static token, a cached token file, a cached exec credential), else later on the
  // source's own thread (an exec plugin run). It never runs a plugin on the caller's thread, so
  // an I/O thread may call it. A failure is Unauthenticated with the reason in the message.
  // A source being destroyed calls pending callbacks with Cancelled.
  virtual void Get(Callback done) = 0;

  // Unauthorized reports that the server answered 401 to a request made with `used`. A source
  // whose credentials can be renewed (an exec plugin) forgets them, if they are still current,
  // so the next Get produces fresh ones. The 401 response itself is not retried.
  virtual void Unauthorized(const Credentials& used) {}
};

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_CREDENTIALS_H_
