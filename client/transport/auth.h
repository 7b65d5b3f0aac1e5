// kube::transport auth — turning a RestConfig's identity into request headers.
//
// Where it sits: the HTTP transport calls NewCredentialSource once at construction and, for each
// request, gets Credentials from the source and adds them with AddRequestHeaders, together with
// the impersonation headers and the User-Agent.
//
// Which credential is used follows client-go: a bearer token file (re-read about once a minute,
// with bearer_token as the fallback while the file cannot be read) or a bearer token; or basic
// auth (an error together with a token); or else an exec plugin, unless a client certificate is
// configured (a token, basic auth or certificate means the plugin is not run at all). No
// credential at all is fine (anonymous, or a certificate alone).
//
// Thread-safety: the functions are pure; the sources are thread-safe.
#ifndef KUBECPP_CLIENT_TRANSPORT_AUTH_H_
#define KUBECPP_CLIENT_TRANSPORT_AUTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "client/config/rest_config.h"
#include "client/transport/credentials.h"
#include "client/transport/transport.h"

namespace kube::transport {

// The User-Agent sent when RestConfig::user_agent is empty and the request sets none.
inline constexpr absl::string_view kDefaultUserAgent = "kubecpp/0.1 (linux/amd64)";

struct AuthOptions {
  const Clock* clock = nullptr;  // null: Clock::Real(); token file re-reads, exec expiry
  absl::Duration token_file_period = absl::Minutes(1);
  absl::Duration exec_timeout = absl::Minutes(1);
};

// NewCredentialSource picks the credential source for `config` (see the file comment); null when
// the config holds no credential. InvalidArgument for conflicting credentials or a bad exec
// config; the token file's error when it cannot be read and no bearer_token is there to fall
// back on.
absl::StatusOr<std::shared_ptr<CredentialSource>> NewCredentialSource(
    const config::RestConfig& config, const AuthOptions& options);

// StaticCredentialSource always hands out the same credentials (tests, fakes, static tokens).
std::shared_ptr<CredentialSource> NewStaticCredentialSource(Credentials credentials);

// BasicAuthorization is the Authorization value for basic auth: "Basic base64(user:password)".
std::string BasicAuthorization(absl::string_view username, absl::string_view password);

// EscapeHeaderKey percent-escapes every byte of `key` that is not an HTTP token character, and
// '%' itself, as client-go does for Impersonate-Extra-<key> (so "example.com/scope" becomes
// "example.com%2Fscope").
std::string EscapeHeaderKey(absl::string_view key);

// ImpersonationHeaders renders `impersonate` as Impersonate-User, Impersonate-Uid, one
// Impersonate-Group per group and one Impersonate-Extra-<escaped key> per extra value; empty
// fields are left out. InvalidArgument when a value holds CR, LF or NUL.
absl::StatusOr<Headers> ImpersonationHeaders(const config::Impersonation& impersonate);

// AddRequestHeaders adds to a request's `headers`: `user_agent` unless a User-Agent is there;
// `credentials.authorization` unless an Authorization header is there (one set by the caller is
// never overwritten); `impersonation` unless the request carries any Impersonate-* header.
void AddRequestHeaders(const Credentials& credentials, const Headers& impersonation,
                       absl::string_view user_agent, Headers& headers);

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_AUTH_H_
