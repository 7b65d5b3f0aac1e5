// libFuzzer target for FieldSelector::Parse and the value escaping (docs/fuzzing.md). Checks:
//   - a rejected selector is InvalidArgument with a message;
//   - an accepted one prints a canonical String() that parses to an equal selector printing the
//     same string;
//   - Matches agrees between the FieldSet and the accessor forms, and is the AND of the terms;
//   - RequiresExactMatch(field) = v means no object whose field differs from v matches;
//   - UnescapeFieldValue(EscapeFieldValue(x)) == x for every x that is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/meta/fields.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::meta::FieldOperator;
using kube::meta::FieldRequirement;
using kube::meta::FieldSelector;
using kube::meta::FieldSet;

void CheckMatches(const FieldSelector& s, const FieldSet& fields, absl::string_view input) {
  const bool by_set = s.Matches(fields);
  const bool by_accessor = s.Matches([&](absl::string_view field) -> std::optional<std::string> {
    auto it = fields.find(field);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  });
  FuzzCheck(by_set == by_accessor, "Matches(FieldSet) and Matches(accessor) disagree", input);
  bool all = true;
  for (const FieldRequirement& r : s.requirements()) {
    auto it = fields.find(r.field);
    const std::string value = it == fields.end() ? "" : it->second;
    all = all && ((value == r.value) == (r.op == FieldOperator::kEquals));
  }
  FuzzCheck(by_set == all, "Matches is not the AND of the terms", input);
}

// IsValidUtf8 is a plain structural UTF-8 check (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  if (IsValidUtf8(input)) {
    absl::StatusOr<std::string> unescaped =
        kube::meta::UnescapeFieldValue(kube::meta::EscapeFieldValue(input));
    FuzzCheck(unescaped.ok() && *unescaped == input, "Unescape(Escape(x)) != x", input,
              unescaped.ok() ? *unescaped : unescaped.status().ToString());
  }

  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(input);
  if (!s.ok()) {
    FuzzCheck(absl::IsInvalidArgument(s.status()) && !s.status().message().empty(),
              "a rejected selector is not a clear InvalidArgument", input, s.status().ToString());
    return 0;
  }
  const std::string canonical = s->String();
  absl::StatusOr<FieldSelector> again = FieldSelector::Parse(canonical);
  FuzzCheck(again.ok(), "the canonical String() does not parse", input, canonical);
  FuzzCheck(*again == *s, "the canonical String() parses to another selector", input, canonical);
  FuzzCheck(again->String() == canonical, "String() is not a fixpoint", canonical, again->String());

  FieldSet values, other, empty;
  for (const FieldRequirement& r : s->requirements()) {
    values.emplace(r.field, r.value);
    other.emplace(r.field, absl::StrCat(r.value, "x"));
  }
  CheckMatches(*s, values, input);
  CheckMatches(*s, other, input);
  CheckMatches(*s, empty, input);
  for (const FieldRequirement& r : s->requirements()) {
    std::optional<absl::string_view> exact = s->RequiresExactMatch(r.field);
    if (!exact.has_value()) continue;
    FieldSet wrong = values;
    wrong[r.field] = absl::StrCat(*exact, "x");
    FuzzCheck(!s->Matches(wrong), "matches a wrong value of an exact-match field", input, r.field);
  }
  return 0;
}
