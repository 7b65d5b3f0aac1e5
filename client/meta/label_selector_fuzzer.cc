// libFuzzer target for LabelSelector::Parse (docs/fuzzing.md). Beyond "no crash", each input
// checks the properties labels.h promises:
//   - a rejected selector is InvalidArgument with a message;
//   - an accepted one prints a canonical String() that parses to an equal selector printing the
//     same string, with requirements sorted by key;
//   - Matches is the AND of the requirements' Matches, on label sets built from the selector;
//   - RequiresExactMatch(key) = v means no object whose `key` is absent or not v matches.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/meta/labels.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::meta::LabelRequirement;
using kube::meta::LabelSelector;
using Labels = absl::flat_hash_map<std::string, std::string>;

void CheckMatchesIsConjunction(const LabelSelector& s, const Labels& labels,
                               absl::string_view input) {
  bool all = true;
  for (const LabelRequirement& r : s.requirements()) all = all && r.Matches(labels);
  FuzzCheck(s.Matches(labels) == all, "Matches is not the AND of the requirements", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(input);
  if (!s.ok()) {
    FuzzCheck(absl::IsInvalidArgument(s.status()) && !s.status().message().empty(),
              "a rejected selector is not a clear InvalidArgument", input, s.status().ToString());
    return 0;
  }
  const std::string canonical = s->String();
  absl::StatusOr<LabelSelector> again = LabelSelector::Parse(canonical);
  FuzzCheck(again.ok(), "the canonical String() does not parse", input, canonical);
  FuzzCheck(*again == *s, "the canonical String() parses to another selector", input, canonical);
  FuzzCheck(again->String() == canonical, "String() is not a fixpoint", canonical, again->String());
  for (size_t i = 1; i < s->requirements().size(); ++i) {
    FuzzCheck(s->requirements()[i - 1].key() <= s->requirements()[i].key(),
              "requirements are not sorted by key", input);
  }

  // Label sets from the selector's own keys and values: each key set to its requirement's first
  // value (or ""), to a value it does not name, and absent.
  Labels first_values, other_values, empty;
  for (const LabelRequirement& r : s->requirements()) {
    first_values.emplace(r.key(), r.values().empty() ? "" : r.values().front());
    other_values.emplace(r.key(), absl::StrCat(r.values().empty() ? "" : r.values().back(), "x"));
  }
  CheckMatchesIsConjunction(*s, first_values, input);
  CheckMatchesIsConjunction(*s, other_values, input);
  CheckMatchesIsConjunction(*s, empty, input);
  FuzzCheck(s->Matches(empty) == again->Matches(empty), "re-parsed selector matches differently",
            input);

  for (const LabelRequirement& r : s->requirements()) {
    std::optional<absl::string_view> exact = s->RequiresExactMatch(r.key());
    if (!exact.has_value()) continue;
    Labels wrong = first_values;
    wrong[r.key()] = absl::StrCat(*exact, "x");
    FuzzCheck(!s->Matches(wrong), "matches a wrong value of an exact-match key", input, r.key());
    Labels missing = first_values;
    missing.erase(r.key());
    FuzzCheck(!s->Matches(missing), "matches without an exact-match key", input, r.key());
  }
  return 0;
}
