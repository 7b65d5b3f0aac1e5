#include "client/meta/label_selector_spec.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/meta/labels.h"

namespace kube::meta {

absl::StatusOr<LabelSelector> LabelSelectorFromSpec(const LabelSelectorSpec* spec) {
  if (spec == nullptr) return LabelSelector::Nothing();
  return LabelSelectorFromSpec(*spec);
}

absl::StatusOr<LabelSelector> LabelSelectorFromSpec(const LabelSelectorSpec& spec) {
  std::vector<LabelRequirement> requirements;
  requirements.reserve(spec.match_labels.size() + spec.match_expressions.size());
  for (const auto& [key, value] : spec.match_labels) {
    absl::StatusOr<LabelRequirement> r =
        LabelRequirement::Create(key, LabelOperator::kEquals, {value});
    if (!r.ok()) return r.status();
    requirements.push_back(*std::move(r));
  }
  for (const LabelSelectorSpec::Requirement& e : spec.match_expressions) {
    LabelOperator op;
    if (e.op == "In") {
      op = LabelOperator::kIn;
    } else if (e.op == "NotIn") {
      op = LabelOperator::kNotIn;
    } else if (e.op == "Exists") {
      op = LabelOperator::kExists;
    } else if (e.op == "DoesNotExist") {
      op = LabelOperator::kDoesNotExist;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", absl::CHexEscape(e.op), "\" is not a valid label selector operator"));
    }
    absl::StatusOr<LabelRequirement> r = LabelRequirement::Create(e.key, op, e.values);
    if (!r.ok()) return r.status();
    requirements.push_back(*std::move(r));
  }
  return LabelSelector::FromRequirements(std::move(requirements));
}

}  // namespace kube::meta
