#include "client/transport/token_source.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/sync.h"

namespace kube::transport {

CachedFileTokenSource::CachedFileTokenSource(std::string path, Options options)
    : path_(std::move(path)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : Clock::Real()) {}

absl::StatusOr<std::string> CachedFileTokenSource::ReadFile() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    const int error = errno;
    std::string message = absl::StrCat("reading token file ", path_, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(contents.str()));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", path_, " is empty"));
  }
  return token;
}

absl::StatusOr<std::string> CachedFileTokenSource::Token() {
  MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (token_.has_value() && now < next_read_) return *token_;
  absl::StatusOr<std::string> read = ReadFile();
  if (!read.ok()) {
    // The last good read wins; the file is tried again on the next call.
    if (token_.has_value()) return *token_;
    return read.status();
  }
  token_ = *std::move(read);
  next_read_ = now + options_.period;
  return *token_;
}

}  // namespace kube::transport
