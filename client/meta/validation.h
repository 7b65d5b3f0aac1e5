// kube::meta validation — the syntax rules Kubernetes applies to label keys and values,
// namespaces and object names, with apimachinery's semantics (k8s.io/apimachinery
// pkg/api/validate/content and pkg/api/validation/path).
//
// Where it sits: below label selectors (client/meta/labels.h), object keys
// (client/meta/object_key.h) and anything that builds objects; no dependency beyond Abseil.
//
// Every check is a pure function of its argument: thread-safe, no allocation on success. The
// `Is*` forms are the fast yes/no used on hot paths; the `Validate*` forms explain a failure
// (InvalidArgument, message in apimachinery's words).
#ifndef KUBECPP_CLIENT_META_VALIDATION_H_
#define KUBECPP_CLIENT_META_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kube::meta {

// kLabelNameMaxLength bounds the name part of a label key, and a label value.
inline constexpr size_t kLabelNameMaxLength = 63;
inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;

// IsLabelKey: an optional prefix, a lowercase DNS-1123 subdomain followed by '/', then a name
// of 1..63 characters from [-A-Za-z0-9_.] that starts and ends with [A-Za-z0-9]
// ("app", "app.kubernetes.io/name"). apimachinery: IsQualifiedName / content.IsLabelKey.
bool IsLabelKey(absl::string_view key);
absl::Status ValidateLabelKey(absl::string_view key);

// IsLabelValue: empty, or 1..63 characters from [-A-Za-z0-9_.] that start and end with
// [A-Za-z0-9]. apimachinery: IsValidLabelValue / content.IsLabelValue.
bool IsLabelValue(absl::string_view value);
absl::Status ValidateLabelValue(absl::string_view value);

// IsDns1123Label: 1..63 characters from [-a-z0-9], starting and ending with [a-z0-9]
// (namespace names).
bool IsDns1123Label(absl::string_view value);
absl::Status ValidateDns1123Label(absl::string_view value);

// IsDns1123Subdomain: at most 253 characters; dot-separated non-empty parts, each from
// [-a-z0-9] starting and ending with [a-z0-9] (no per-part length limit, as apimachinery).
bool IsDns1123Subdomain(absl::string_view value);
absl::Status ValidateDns1123Subdomain(absl::string_view value);

// IsPathSegmentName: what every object name must satisfy to be addressable in a URL path
// (apimachinery's IsValidPathSegmentName): not "." or "..", and no '/' or '%'. Kinds add
// their own rules (most require a DNS-1123 subdomain); this is the common floor.
bool IsPathSegmentName(absl::string_view name);
absl::Status ValidatePathSegmentName(absl::string_view name);

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_VALIDATION_H_
