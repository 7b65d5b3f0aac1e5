#include "informers/error_class.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

ListWatchErrorClass ClassifyListWatchError(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kOutOfRange) return ListWatchErrorClass::kExpired;
  const std::string m = absl::AsciiStrToLower(status.message());
  if (absl::StrContains(m, "resourceversiontoolarge") ||
      absl::StrContains(m, "too large resource version")) {
    return ListWatchErrorClass::kTooLargeResourceVersion;
  }
  if (status.code() == absl::StatusCode::kUnavailable &&
      (absl::StrContains(m, "toomanyrequests") || absl::StrContains(m, "connection refused"))) {
    return ListWatchErrorClass::kRetryWatch;
  }
  return ListWatchErrorClass::kOther;
}

absl::Status ExpiredError(absl::string_view message) {
  return absl::OutOfRangeError(absl::StrCat("Expired: ", message));
}
absl::Status TooLargeResourceVersionError(absl::string_view message) {
  return absl::DeadlineExceededError(absl::StrCat("ResourceVersionTooLarge: ", message));
}
absl::Status TooManyRequestsError(absl::string_view message) {
  return absl::UnavailableError(absl::StrCat("TooManyRequests: ", message));
}
absl::Status ConnectionRefusedError(absl::string_view message) {
  return absl::UnavailableError(absl::StrCat("connection refused: ", message));
}

}  // namespace kube::informers
