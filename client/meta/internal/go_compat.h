// kube::meta::internal — the few Go standard-library behaviours that apimachinery's selectors
// inherit and that kubecpp must reproduce to agree with the apiserver byte for byte.
#ifndef KUBECPP_CLIENT_META_INTERNAL_GO_COMPAT_H_
#define KUBECPP_CLIENT_META_INTERNAL_GO_COMPAT_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace kube::meta::internal {

// ParseGoInt64 is Go's strconv.ParseInt(s, 10, 64): an optional '+' or '-', then one or more
// ASCII digits (no '_' in base 10), within int64's range. nullopt for anything else.
std::optional<int64_t> ParseGoInt64(absl::string_view s);

// GoRuneWidth is the byte length of the UTF-8 sequence at the start of non-empty `s` as Go's
// utf8.DecodeRuneInString reads it, and whether it is valid. An invalid sequence (bad lead or
// continuation byte, overlong form, surrogate, above U+10FFFF, truncated) is one byte wide, read
// as U+FFFD by Go.
struct GoRune {
  size_t width;
  bool valid;
};
GoRune GoRuneWidth(absl::string_view s);

}  // namespace kube::meta::internal

#endif  // KUBECPP_CLIENT_META_INTERNAL_GO_COMPAT_H_
