// kube::rest status — an apiserver error response as an absl::Status.
//
// Where it sits: transport -> rest. Every non-2xx response (and every watch ERROR event) becomes
// an absl::Status whose code says what kind of failure it is and whose payload keeps the
// apiserver's own `metav1.Status` (reason, message, details, causes, Retry-After), so callers can
// both `switch` on the code and ask precise questions (`IsConflict`, `IsExpired`, ...).
//
// Code mapping (DESIGN.md decision 2). The Status `reason` decides first; an unknown or empty
// reason falls back to the HTTP code (the Status body's `code`, else the response's code):
//
//   reason                           HTTP  absl::StatusCode
//   NotFound                         404   kNotFound
//   AlreadyExists                    409   kAlreadyExists
//   Conflict (or any other 409)      409   kAborted            (optimistic concurrency lost)
//   Expired, Gone                    410   kOutOfRange         ("resource version expired":
//                                                             relist; no other layer uses it)
//   TooManyRequests                  429   kUnavailable
//   InternalError, ServerTimeout     500   kUnavailable
//   ServiceUnavailable, other 5xx    5xx   kUnavailable
//   Timeout                          504   kDeadlineExceeded   (also HTTP 408)
//   (none)                           501   kUnimplemented
//   Unauthorized                     401   kUnauthenticated
//   Forbidden                        403   kPermissionDenied
//   BadRequest                       400   kInvalidArgument
//   Invalid                          422   kInvalidArgument    (details.causes name the fields)
//   MethodNotAllowed                 405   kUnimplemented      (the server does not offer this
//   NotAcceptable                    406   kUnimplemented       verb / encoding for this
//   UnsupportedMediaType             415   kUnimplemented       resource: fall back, don't retry)
//   RequestEntityTooLarge            413   kResourceExhausted  (as gRPC for oversized messages)
//   (none)                           412   kFailedPrecondition
//   anything else                          kUnknown
//
// Because several reasons share a code (Invalid and BadRequest; TooManyRequests and
// InternalError), use the `Is...` predicates, which read the payload like client-go's
// `errors.IsX`: the reason matches, or the reason is not a known one and the code matches.
// Statuses without the payload (transport errors, errors made by other layers) answer false.
//
// Bodies that are not a Status — API Priority and Fairness answers 429 in plain text, proxies
// answer HTML — get a synthesized Status: the reason the code implies, a generic message, the
// start of the body (at most kMaxBodySnippetBytes, valid UTF-8) as message and as a cause with
// reason "UnexpectedServerResponse", and Retry-After from the header.
//
// Thread-safety: plain functions and data; no shared state.
#ifndef KUBECPP_CLIENT_REST_STATUS_H_
#define KUBECPP_CLIENT_REST_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kube::rest {

// kApiStatusPayloadUrl is the absl::Status payload type URL under which the apiserver's Status
// is kept, serialized as Kubernetes JSON (a complete `{"kind":"Status",...}` document).
inline constexpr absl::string_view kApiStatusPayloadUrl =
    "type.kubecpp.io/k8s.io.apimachinery.pkg.apis.meta.v1.Status+json";

// kMaxBodySnippetBytes bounds how much of a non-Status error body lands in a message.
inline constexpr size_t kMaxBodySnippetBytes = 1024;

// The `reason` values of metav1.Status the apiserver uses (StatusReason).
namespace reason {
inline constexpr absl::string_view kUnauthorized = "Unauthorized";
inline constexpr absl::string_view kForbidden = "Forbidden";
inline constexpr absl::string_view kNotFound = "NotFound";
inline constexpr absl::string_view kAlreadyExists = "AlreadyExists";
inline constexpr absl::string_view kConflict = "Conflict";
inline constexpr absl::string_view kGone = "Gone";
inline constexpr absl::string_view kInvalid = "Invalid";
inline constexpr absl::string_view kServerTimeout = "ServerTimeout";
inline constexpr absl::string_view kStorageReadError = "StorageReadError";
inline constexpr absl::string_view kTimeout = "Timeout";
inline constexpr absl::string_view kTooManyRequests = "TooManyRequests";
inline constexpr absl::string_view kBadRequest = "BadRequest";
inline constexpr absl::string_view kMethodNotAllowed = "MethodNotAllowed";
inline constexpr absl::string_view kNotAcceptable = "NotAcceptable";
inline constexpr absl::string_view kRequestEntityTooLarge = "RequestEntityTooLarge";
inline constexpr absl::string_view kUnsupportedMediaType = "UnsupportedMediaType";
inline constexpr absl::string_view kInternalError = "InternalError";
inline constexpr absl::string_view kExpired = "Expired";
inline constexpr absl::string_view kServiceUnavailable = "ServiceUnavailable";
}  // namespace reason

// The cause types (`details.causes[].reason`) callers test for.
namespace cause {
inline constexpr absl::string_view kUnexpectedServerResponse = "UnexpectedServerResponse";
inline constexpr absl::string_view kResourceVersionTooLarge = "ResourceVersionTooLarge";
inline constexpr absl::string_view kFieldValueInvalid = "FieldValueInvalid";
}  // namespace cause

// StatusCause is one `details.causes[]` entry: for 422 Invalid, one per invalid field.
struct StatusCause {
  std::string reason;  // e.g. "FieldValueInvalid"
  std::string message;
  std::string field;  // e.g. "metadata.name"
  bool operator==(const StatusCause&) const = default;
};

// StatusDetails is `metav1.StatusDetails`. For NotFound/AlreadyExists/Conflict `kind` is the
// resource's plural ("configmaps"), not its Kind.
struct StatusDetails {
  std::string name;
  std::string group;
  std::string kind;
  std::string uid;
  std::vector<StatusCause> causes;
  int32_t retry_after_seconds = 0;  // 0 = none suggested
  bool operator==(const StatusDetails&) const = default;
};

// ApiStatus is the `metav1.Status` an apiserver returns with an error (and in watch ERROR events).
struct ApiStatus {
  std::string status;   // "Failure" or "Success"
  std::string message;  // human readable
  std::string reason;   // machine readable (see namespace reason); empty = unknown
  std::optional<StatusDetails> details;
  int32_t code = 0;  // the HTTP status code the server meant; 0 = not set
  bool operator==(const ApiStatus&) const = default;
};

// ParseApiStatusJson decodes a Kubernetes JSON Status document. InvalidArgument unless `body`
// is a JSON object with "kind": "Status". Unknown fields are ignored; mistyped known fields are
// errors.
absl::StatusOr<ApiStatus> ParseApiStatusJson(absl::string_view body);

// ParseApiStatusProtobuf decodes a protobuf-encoded Status: "k8s\0" + runtime.Unknown whose
// typeMeta.kind is "Status" and whose raw holds the meta/v1 Status message. InvalidArgument on
// anything else (wrong magic, other kind, malformed wire data). Strings are made valid UTF-8.
absl::StatusOr<ApiStatus> ParseApiStatusProtobuf(absl::string_view body);

// ParseApiStatus picks the decoder from the body ("k8s\0" prefix -> protobuf, else JSON);
// `content_type` is informational only, because servers and proxies mislabel error bodies.
absl::StatusOr<ApiStatus> ParseApiStatus(absl::string_view content_type, absl::string_view body);

// ApiStatusToJson serializes `status` as a Kubernetes JSON Status document (the payload form).
std::string ApiStatusToJson(const ApiStatus& status);

// StatusCodeFor maps a reason and an HTTP code to an absl::StatusCode (table above).
absl::StatusCode StatusCodeFor(absl::string_view reason, int http_code);

// ToStatus makes the absl::Status for `api_status`: the mapped code, the Status message (or a
// generic one when empty) and the Status itself as payload. A "Success" status, or a code in
// [200, 300) with no failure reason, gives OkStatus().
absl::Status ToStatus(const ApiStatus& api_status);

// StatusFromResponse maps one HTTP response to a Status: OkStatus() for 2xx, otherwise the
// decoded Status body (its `code` defaults to `http_code`) or a synthesized one for other
// bodies. `retry_after_seconds` is the parsed Retry-After header; it fills
// details.retryAfterSeconds when the body did not.
absl::Status StatusFromResponse(int http_code, absl::string_view content_type,
                                absl::string_view body,
                                std::optional<int64_t> retry_after_seconds = std::nullopt);

// ParseRetryAfterSeconds reads a Retry-After header value in its delay-seconds form (a
// non-negative integer, as the apiserver sends it); nullopt for anything else (HTTP dates too,
// which client-go ignores as well).
std::optional<int64_t> ParseRetryAfterSeconds(absl::string_view value);

// GetApiStatus returns the apiserver Status attached to `status`, if any.
std::optional<ApiStatus> GetApiStatus(const absl::Status& status);

// Predicates in the manner of client-go's apimachinery/pkg/api/errors: a match on the payload's
// reason, or (when the reason is not a known one) on its code. False without a payload.
//
// Call them qualified (`rest::IsNotFound(s)`): Abseil has code-only `absl::IsNotFound` and
// `absl::IsAlreadyExists`, which argument-dependent lookup finds too, so an unqualified call
// from inside kube::rest does not compile and one from elsewhere may pick Abseil's.
bool IsNotFound(const absl::Status& status);
bool IsAlreadyExists(const absl::Status& status);
bool IsConflict(const absl::Status& status);
// IsExpired: 410, reason Expired (resourceVersion or continue token too old) or Gone.
bool IsExpired(const absl::Status& status);
bool IsInvalid(const absl::Status& status);
bool IsBadRequest(const absl::Status& status);
bool IsUnauthorized(const absl::Status& status);
bool IsForbidden(const absl::Status& status);
bool IsTimeout(const absl::Status& status);
bool IsServerTimeout(const absl::Status& status);
bool IsTooManyRequests(const absl::Status& status);
bool IsInternalError(const absl::Status& status);
bool IsServiceUnavailable(const absl::Status& status);
bool IsMethodNotSupported(const absl::Status& status);
bool IsNotAcceptable(const absl::Status& status);
bool IsUnsupportedMediaType(const absl::Status& status);
bool IsRequestEntityTooLarge(const absl::Status& status);
// IsUnexpectedServerResponse: the body was not a Status (synthesized payload).
bool IsUnexpectedServerResponse(const absl::Status& status);
// IsTooLargeResourceVersion: 504 Timeout with cause ResourceVersionTooLarge (the watch cache has
// not caught up with the requested resourceVersion).
bool IsTooLargeResourceVersion(const absl::Status& status);

// SuggestedRetryDelay is the server's details.retryAfterSeconds, when it set one.
std::optional<absl::Duration> SuggestedRetryDelay(const absl::Status& status);

// SanitizeUtf8 returns `bytes` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string SanitizeUtf8(absl::string_view bytes);

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_STATUS_H_
