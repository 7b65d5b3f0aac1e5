#include "client/api/internal/go_format.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace kube::api::internal {
namespace {

constexpr uint64_t kMicrosecond = 1000;
constexpr uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr uint64_t kSecond = 1000 * kMillisecond;

// AppendFraction appends "." and the digits of value % 10^digits with trailing zeros removed,
// or nothing when that remainder is zero. Returns value / 10^digits.
uint64_t AppendFraction(uint64_t value, int digits, std::string& out) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  uint64_t fraction = value % scale;
  if (fraction != 0) {
    std::string text = std::to_string(fraction);
    text.insert(0, digits - text.size(), '0');
    text.erase(text.find_last_not_of('0') + 1);
    out += '.';
    out += text;
  }
  return value / scale;
}

}  // namespace

std::string FormatGoDuration(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  // Unsigned arithmetic so that the most negative value still has a magnitude.
  uint64_t magnitude =
      nanoseconds < 0 ? 0 - static_cast<uint64_t>(nanoseconds) : static_cast<uint64_t>(nanoseconds);
  std::string out = nanoseconds < 0 ? "-" : "";
  if (magnitude < kSecond) {
    // Below a second Go switches to the largest unit that keeps an integer part.
    int digits = 0;
    const char* unit = "ns";
    if (magnitude >= kMillisecond) {
      digits = 6;
      unit = "ms";
    } else if (magnitude >= kMicrosecond) {
      digits = 3;
      unit = "\xC2\xB5s";  // "µs" with U+00B5, as Go writes it
    }
    std::string fraction;
    uint64_t whole = AppendFraction(magnitude, digits, fraction);
    absl::StrAppend(&out, whole, fraction, unit);
    return out;
  }
  std::string fraction;
  uint64_t seconds = AppendFraction(magnitude, 9, fraction);
  uint64_t minutes = seconds / 60;
  uint64_t hours = minutes / 60;
  if (hours > 0) absl::StrAppend(&out, hours, "h");
  if (minutes > 0) absl::StrAppend(&out, minutes % 60, "m");
  absl::StrAppend(&out, seconds % 60, fraction, "s");
  return out;
}

absl::StatusOr<int64_t> ParseGoDuration(absl::string_view text) {
  const std::string original(text);
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("invalid duration \"", original, "\": ", why));
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return 0;
  if (text.empty()) return invalid("empty");
  // Accumulate in unsigned nanoseconds; the limit allows exactly -2^63 when negative.
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  uint64_t total = 0;
  while (!text.empty()) {
    if (!(text[0] == '.' || (text[0] >= '0' && text[0] <= '9')))
      return invalid("expected a number");
    // Integer part.
    uint64_t whole = 0;
    bool whole_digits = false, overflow = false;
    while (!text.empty() && text[0] >= '0' && text[0] <= '9') {
      if (whole > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
      whole = whole * 10 + (text[0] - '0');
      whole_digits = true;
      text.remove_prefix(1);
    }
    // Fraction part, kept as digits over a power of ten (extra digits beyond 18 are dropped).
    uint64_t fraction = 0, fraction_scale = 1;
    bool fraction_digits = false;
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      while (!text.empty() && text[0] >= '0' && text[0] <= '9') {
        if (fraction_scale < 1000000000000000000ULL) {
          fraction = fraction * 10 + (text[0] - '0');
          fraction_scale *= 10;
        }
        fraction_digits = true;
        text.remove_prefix(1);
      }
    }
    if (!whole_digits && !fraction_digits) return invalid("expected digits");
    size_t unit_length = 0;
    while (unit_length < text.size() && text[unit_length] != '.' &&
           !(text[unit_length] >= '0' && text[unit_length] <= '9')) {
      ++unit_length;
    }
    absl::string_view unit = text.substr(0, unit_length);
    text.remove_prefix(unit_length);
    uint64_t unit_ns;
    if (unit == "ns") {
      unit_ns = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      unit_ns = kMicrosecond;
    } else if (unit == "ms") {
      unit_ns = kMillisecond;
    } else if (unit == "s") {
      unit_ns = kSecond;
    } else if (unit == "m") {
      unit_ns = 60 * kSecond;
    } else if (unit == "h") {
      unit_ns = 3600 * kSecond;
    } else if (unit.empty()) {
      return invalid("missing unit");
    } else {
      return invalid(absl::StrCat("unknown unit \"", unit, "\""));
    }
    if (overflow || whole > limit / unit_ns) return invalid("overflow");
    uint64_t value = whole * unit_ns;
    if (fraction > 0) {
      // fraction / fraction_scale * unit_ns without losing the integer nanoseconds.
      long double part = static_cast<long double>(fraction) * unit_ns / fraction_scale;
      value += static_cast<uint64_t>(part);
    }
    if (value > limit || total > limit - value) return invalid("overflow");
    total += value;
  }
  if (negative) return static_cast<int64_t>(0 - total);
  return static_cast<int64_t>(total);
}

namespace {

// FormatRfc3339 formats t in UTC, refusing years outside [0, 9999] as Go's Time.MarshalJSON does:
// RFC 3339 has four-digit years, so such a time would not read back.
absl::StatusOr<std::string> FormatRfc3339(const char* format, absl::Time t) {
  const int64_t year = absl::ToCivilSecond(t, absl::UTCTimeZone()).year();
  if (year < 0 || year > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time ", absl::FormatTime(t, absl::UTCTimeZone()), " has a year outside [0, 9999]"));
  }
  return absl::FormatTime(format, t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::string> FormatRfc3339Seconds(int64_t seconds) {
  return FormatRfc3339("%E4Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds));
}

absl::StatusOr<std::string> FormatRfc3339Micros(UnixTime time) {
  return FormatRfc3339("%E4Y-%m-%dT%H:%M:%E6SZ",
                       absl::FromUnixSeconds(time.seconds) + absl::Nanoseconds(time.nanos));
}

absl::StatusOr<UnixTime> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string error;
  // RFC3339_full accepts an optional fraction and "Z" or a numeric offset.
  if (text.size() < 20 || text[10] != 'T' ||
      !absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid RFC 3339 time \"", text, "\"", error.empty() ? "" : ": ", error));
  }
  UnixTime result;
  result.seconds = absl::ToUnixSeconds(t);  // rounds toward negative infinity
  result.nanos =
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(result.seconds)));
  return result;
}

}  // namespace kube::api::internal
