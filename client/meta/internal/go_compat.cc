#include "client/meta/internal/go_compat.h"

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace kube::meta::internal {

std::optional<int64_t> ParseGoInt64(absl::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // |INT64_MIN|
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (kLimit - digit) / 10) return std::nullopt;  // n * 10 + digit > 2^63
    n = n * 10 + digit;
  }
  if (negative) return n == kLimit ? INT64_MIN : -static_cast<int64_t>(n);
  if (n == kLimit) return std::nullopt;
  return static_cast<int64_t>(n);
}

GoRune GoRuneWidth(absl::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return {1, true};
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? GoRune{2, true} : GoRune{1, false};
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // E0 needs A0..BF next (no overlong forms); ED needs 80..9F (no surrogates).
    unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2) ? GoRune{3, true} : GoRune{1, false};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    // F0 needs 90..BF next (no overlong forms); F4 needs 80..8F (at most U+10FFFF).
    unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2) && cont(3) ? GoRune{4, true} : GoRune{1, false};
  }
  return {1, false};
}

}  // namespace kube::meta::internal
