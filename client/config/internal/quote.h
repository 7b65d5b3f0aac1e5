// QuoteForMessage — how client/config echoes a value from a kubeconfig into an error message.
// Internal.
#ifndef KUBECPP_CLIENT_CONFIG_INTERNAL_QUOTE_H_
#define KUBECPP_CLIENT_CONFIG_INTERNAL_QUOTE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::config::internal {

// QuoteForMessage returns "value" in quotes when it looks like a name (at most 64 printable
// bytes, no whitespace), and otherwise only its size. A malformed file can make a "name" or
// "kind" swallow the following lines (an unterminated quote folds them into one value joined
// by spaces), secrets included: such values must never reach logs through an error message.
inline std::string QuoteForMessage(absl::string_view value) {
  constexpr size_t kMaxEchoed = 64;
  bool plain = value.size() <= kMaxEchoed;
  for (char c : value) {
    if (!plain) break;
    const unsigned char u = static_cast<unsigned char>(c);
    plain = u > 0x20 && u != 0x7f;
  }
  if (plain) return absl::StrCat("\"", value, "\"");
  return absl::StrCat("<a ", value.size(), "-byte value, not shown>");
}

}  // namespace kube::config::internal

#endif  // KUBECPP_CLIENT_CONFIG_INTERNAL_QUOTE_H_
