// kube::transport::CachedFileTokenSource — a bearer token read from a file that may rotate.
//
// Where it sits: auth uses it for RestConfig::bearer_token_file (a projected service account
// token, a token refreshed by some agent). The file is re-read at most once per period, measured
// on the injected clock, so a rotated token is picked up within a period and tests move time
// instead of sleeping. When a re-read fails (missing file, empty file) the last good token is
// kept: a rotation in progress never breaks requests that were working.
//
// Thread-safety: thread-safe. Token() may block briefly on a file read, never on the network.
#ifndef KUBECPP_CLIENT_TRANSPORT_TOKEN_SOURCE_H_
#define KUBECPP_CLIENT_TRANSPORT_TOKEN_SOURCE_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace kube::transport {

class CachedFileTokenSource {
 public:
  struct Options {
    // How long a read token is used before the file is read again (client-go: one minute).
    absl::Duration period = absl::Minutes(1);
    // Null means Clock::Real().
    const Clock* clock = nullptr;
  };

  CachedFileTokenSource(std::string path, Options options);
  CachedFileTokenSource(const CachedFileTokenSource&) = delete;
  CachedFileTokenSource& operator=(const CachedFileTokenSource&) = delete;

  // Token returns the current token (surrounding whitespace removed). It reads the file when no
  // token was read yet or the last read is a period old. A failed read returns the last good
  // token if there is one, else the error (NotFound / PermissionDenied / InvalidArgument for an
  // empty file, with the path in the message).
  absl::StatusOr<std::string> Token();

  const std::string& path() const { return path_; }

 private:
  absl::StatusOr<std::string> ReadFile() const;

  const std::string path_;
  const Options options_;
  const Clock& clock_;
  absl::Mutex mu_;
  std::optional<std::string> token_ ABSL_GUARDED_BY(mu_);
  absl::Time next_read_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_TOKEN_SOURCE_H_
