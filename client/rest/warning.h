// kube::rest warnings — the `Warning:` response headers an apiserver sends (deprecated APIs,
// unknown fields under warn-level field validation, admission webhooks' warnings).
//
// Where it sits: RestClient parses every response's Warning headers (RFC 9111 section 5.5:
// `299 - "text"`, several per header separated by commas, and the header itself repeatable),
// hands each to the configured WarningHandler and lists them in the Result. The apiserver
// always uses code 299 and agent "-".
//
// Thread-safety: plain functions; a WarningHandler may be called from several threads at once
// (concurrent requests, watch heads on I/O threads) and must be thread-safe and quick.
#ifndef KUBECPP_CLIENT_REST_WARNING_H_
#define KUBECPP_CLIENT_REST_WARNING_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::rest {

struct Warning {
  int code = 0;       // 299 from an apiserver
  std::string agent;  // "-" from an apiserver
  std::string text;   // unquoted, escapes resolved
  bool operator==(const Warning&) const = default;
};

// WarningHandler receives each warning of each response.
using WarningHandler = std::function<void(const Warning& warning)>;

// ParseWarningHeader parses one Warning header value, which may hold several comma-separated
// warnings (with an optional quoted date each, ignored). InvalidArgument if any part is
// malformed; then nothing of the value is used (client-go does the same).
absl::StatusOr<std::vector<Warning>> ParseWarningHeader(absl::string_view value);

// ParseWarningHeaders parses every value and returns the warnings of the well-formed ones, in
// order; malformed values are skipped.
std::vector<Warning> ParseWarningHeaders(const std::vector<absl::string_view>& values);

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_WARNING_H_
