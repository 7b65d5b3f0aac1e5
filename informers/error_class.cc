#include "informers/error_class.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/rest/status.h"

namespace kube::informers {

absl::string_view ListWatchErrorClassName(ListWatchErrorClass c) {
  switch (c) {
    case ListWatchErrorClass::kExpired:
      return "Expired";
    case ListWatchErrorClass::kTooLargeResourceVersion:
      return "TooLargeResourceVersion";
    case ListWatchErrorClass::kRetryWatch:
      return "RetryWatch";
    case ListWatchErrorClass::kOther:
      return "Other";
  }
  return "Unknown";
}

// IsConnectionRefused: the transport's shape for "nothing listens there" (transport.h:
// Unavailable with "connection refused" in the message, no apiserver Status attached).
static bool IsConnectionRefused(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         !rest::GetApiStatus(status).has_value() &&
         absl::StrContains(absl::AsciiStrToLower(status.message()), "connection refused");
}

ListWatchErrorClass ClassifyListWatchError(const absl::Status& status) {
  // Qualified calls: absl has code-only predicates of the same names (see rest/status.h).
  if (rest::IsExpired(status)) return ListWatchErrorClass::kExpired;
  if (rest::IsTooLargeResourceVersion(status)) {
    return ListWatchErrorClass::kTooLargeResourceVersion;
  }
  if (rest::IsTooManyRequests(status) || IsConnectionRefused(status)) {
    return ListWatchErrorClass::kRetryWatch;
  }
  return ListWatchErrorClass::kOther;
}

static absl::Status Failure(absl::string_view reason, int code, absl::string_view message,
                            absl::string_view cause = "") {
  rest::ApiStatus s;
  s.status = "Failure";
  s.reason = std::string(reason);
  s.message = std::string(message);
  s.code = code;
  if (!cause.empty()) {
    s.details = rest::StatusDetails{};
    s.details->causes.push_back({std::string(cause), std::string(message), ""});
  }
  return rest::ToStatus(s);
}

absl::Status ExpiredError(absl::string_view message) {
  return Failure(rest::reason::kExpired, 410, message);
}
absl::Status TooLargeResourceVersionError(absl::string_view message) {
  return Failure(rest::reason::kTimeout, 504, message, rest::cause::kResourceVersionTooLarge);
}
absl::Status TooManyRequestsError(absl::string_view message) {
  return Failure(rest::reason::kTooManyRequests, 429, message);
}
absl::Status ConnectionRefusedError(absl::string_view message) {
  return absl::UnavailableError(absl::StrCat("connection refused: ", message));
}

}  // namespace kube::informers
