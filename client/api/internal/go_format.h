// Text forms Go's standard library gives Kubernetes API values in JSON, reimplemented so that
// kubecpp reads and writes exactly what the apiserver does:
//
//   - time.Duration.String / time.ParseDuration (metav1.Duration: "1h2m3.5s", "250ms", "0s");
//   - RFC 3339 in UTC to the second (metav1.Time) and to the microsecond (metav1.MicroTime).
//
// Internal to client/api (json_format uses it); pure functions, thread-safe.
#ifndef KUBECPP_CLIENT_API_INTERNAL_GO_FORMAT_H_
#define KUBECPP_CLIENT_API_INTERNAL_GO_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::api::internal {

// FormatGoDuration renders nanoseconds as Go's time.Duration.String does.
std::string FormatGoDuration(int64_t nanoseconds);

// ParseGoDuration parses what Go's time.ParseDuration accepts ("1h30m", "-1.5s", "100us", "0").
// InvalidArgument on anything else, including overflow of int64 nanoseconds.
absl::StatusOr<int64_t> ParseGoDuration(absl::string_view text);

// A point in time as the wire carries it: seconds since the Unix epoch plus nanoseconds.
struct UnixTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
};

// FormatRfc3339Seconds: "2024-01-02T03:04:05Z" (UTC, fraction dropped), as metav1.Time.
// InvalidArgument for a year outside [0, 9999], which RFC 3339 cannot write (Go's
// Time.MarshalJSON fails the same way).
absl::StatusOr<std::string> FormatRfc3339Seconds(int64_t seconds);

// FormatRfc3339Micros: "2024-01-02T03:04:05.123456Z" (UTC, always six digits), as MicroTime.
// InvalidArgument for a year outside [0, 9999].
absl::StatusOr<std::string> FormatRfc3339Micros(UnixTime time);

// ParseRfc3339 accepts RFC 3339 with any offset and an optional fraction of up to nine digits.
absl::StatusOr<UnixTime> ParseRfc3339(absl::string_view text);

}  // namespace kube::api::internal

#endif  // KUBECPP_CLIENT_API_INTERNAL_GO_FORMAT_H_
