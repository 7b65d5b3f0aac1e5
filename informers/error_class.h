// kube::informers::ClassifyListWatchError — the one place where the reflector decides what a
// list or watch error means. Everything the reflector does after an error (relist at the last RV,
// relist at "", re-watch after backoff) follows from this classification.
//
// The meaning is read with //client/rest's predicates on the apiserver's Status payload
// (rest::IsExpired, rest::IsTooLargeResourceVersion, rest::IsTooManyRequests) and the transport's
// connection-refused shape (Unavailable, no Status payload, "connection refused" in the message).
// The constructors below build statuses of exactly those shapes (with the payload a real
// response carries), for fakes and tests.
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
