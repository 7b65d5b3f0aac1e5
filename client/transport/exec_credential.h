// kube::transport::ExecCredentialProvider — credentials from an exec plugin
// (client.authentication.k8s.io v1 and v1beta1 ExecCredential).
//
// Where it sits: auth wraps a provider into a CredentialSource when RestConfig::exec is set and
// no static credential (token, basic auth, client certificate) is configured. The provider runs
// the plugin command with its args and env plus KUBERNETES_EXEC_INFO (an ExecCredential whose
// spec says interactive=false and, when provide_cluster_info is set, describes the cluster),
// parses the ExecCredential the plugin prints on stdout, and caches the result until
// status.expirationTimestamp (forever when absent) or until Invalidate() after a 401.
//
// The plugin has no terminal: stdin is /dev/null, interactive_mode "Always" is refused. A run is
// bounded by Options::timeout; the plugin's process group is killed when it runs over. Errors are
// Unauthenticated and say which plugin failed and why (not found, exit code and stderr, bad JSON,
// missing fields), adding the configured install_hint when the plugin is missing or fails.
//
// Thread-safety: thread-safe. Get() blocks while the plugin runs (one run at a time; concurrent
// callers wait for it and share the result), so never call it on an I/O thread.
#ifndef KUBECPP_CLIENT_TRANSPORT_EXEC_CREDENTIAL_H_
#define KUBECPP_CLIENT_TRANSPORT_EXEC_CREDENTIAL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "client/config/rest_config.h"

namespace kube::transport {

inline constexpr absl::string_view kExecCredentialV1 = "client.authentication.k8s.io/v1";
inline constexpr absl::string_view kExecCredentialV1beta1 = "client.authentication.k8s.io/v1beta1";

// ExecCredential is what a plugin returned: a token, a client certificate, or both.
struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::optional<absl::Time> expiration;  // none: valid until the server answers 401
};

// ParseExecCredential parses a plugin's stdout. It must be an ExecCredential of `api_version`
// with a status holding a token or a certificate and key (both or neither). InvalidArgument,
// naming what is wrong, otherwise.
absl::StatusOr<ExecCredential> ParseExecCredential(absl::string_view json,
                                                   absl::string_view api_version);

// ExecInfoJson is the KUBERNETES_EXEC_INFO value for `config.exec` (which must be set): the
// cluster is described only when exec.provide_cluster_info is set (ca_file is read then).
absl::StatusOr<std::string> ExecInfoJson(const config::RestConfig& config);

class ExecCredentialProvider {
 public:
  struct Options {
    const Clock* clock = nullptr;               // null: Clock::Real(); decides expiry
    absl::Duration timeout = absl::Minutes(1);  // one plugin run
  };

  // Create validates config.exec (which must be set): a command, a supported api_version, not
  // interactive_mode "Always". InvalidArgument / FailedPrecondition otherwise.
  static absl::StatusOr<std::unique_ptr<ExecCredentialProvider>> Create(
      const config::RestConfig& config, Options options);

  ExecCredentialProvider(const ExecCredentialProvider&) = delete;
  ExecCredentialProvider& operator=(const ExecCredentialProvider&) = delete;

  // Get returns the cached credential while it has not expired, else runs the plugin.
  absl::StatusOr<std::shared_ptr<const ExecCredential>> Get();

  // Cached returns the cached credential if it has not expired, without running anything.
  std::shared_ptr<const ExecCredential> Cached() const;

  // Invalidate forgets `used` if it is still the cached credential (the server rejected it), so
  // the next Get runs the plugin again. A credential already replaced is left alone.
  void Invalidate(const ExecCredential* used);

  // Cancel kills a running plugin and makes every later Get fail with Cancelled.
  void Cancel();

  // Runs counts plugin runs started (successful or not).
  int64_t runs() const;

 private:
  ExecCredentialProvider(config::ExecConfig exec, std::string exec_info, Options options);

  absl::StatusOr<std::shared_ptr<const ExecCredential>> Run();
  bool Valid(const ExecCredential& credential) const;

  const config::ExecConfig exec_;
  const std::string exec_info_;
  const Options options_;
  const Clock& clock_;
  std::atomic<bool> cancelled_{false};
  absl::Mutex run_mu_;  // held while the plugin runs: one run at a time
  mutable absl::Mutex mu_;
  std::shared_ptr<const ExecCredential> cached_ ABSL_GUARDED_BY(mu_);
  int64_t runs_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_EXEC_CREDENTIAL_H_
