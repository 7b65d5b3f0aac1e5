// kube::informers::ClassifyListWatchError — the one place where the reflector decides what a
// list or watch error means. Everything the reflector does after an error (relist at the last RV,
// relist at "", re-watch after backoff) follows from this classification.
//
// Until //client/rest is wired in, it recognises the status shapes //client/rest documents
// (client/rest/status.h): 410 Expired/Gone is absl::StatusCode::kOutOfRange; the rest is read
// from the code and the message, as client-go does for old servers. Wiring replaces the body of
// ClassifyListWatchError with rest::IsExpired / rest::IsResourceVersionTooLarge /
// rest::IsTooManyRequests and the transport's connection-refused test; nothing else changes.
// The constructors below build statuses of the expected shape, for fakes and tests.
#ifndef KUBECPP_INFORMERS_ERROR_CLASS_H_
#define KUBECPP_INFORMERS_ERROR_CLASS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kube::informers {

enum class ListWatchErrorClass {
  kExpired,                  // 410 Expired/Gone: the resourceVersion or continue token is too old
  kTooLargeResourceVersion,  // 504 ResourceVersionTooLarge: the RV is ahead of the server
  kRetryWatch,               // 429 or connection refused: back off, re-watch, keep the cache
  kOther,                    // anything else: back off, then list again
};

absl::string_view ListWatchErrorClassName(ListWatchErrorClass c);

ListWatchErrorClass ClassifyListWatchError(const absl::Status& status);

// Statuses of the shapes ClassifyListWatchError recognises.
absl::Status ExpiredError(absl::string_view message);
absl::Status TooLargeResourceVersionError(absl::string_view message);
absl::Status TooManyRequestsError(absl::string_view message);
absl::Status ConnectionRefusedError(absl::string_view message);

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_ERROR_CLASS_H_
