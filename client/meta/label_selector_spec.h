// kube::meta::LabelSelectorSpec — metav1.LabelSelector as plain data (matchLabels +
// matchExpressions), and its conversion to a LabelSelector with apimachinery's
// LabelSelectorAsSelector semantics.
//
// Where it sits: workload specs (Deployment.spec.selector, PodDisruptionBudget, NetworkPolicy,
// ...) carry this structure; a controller converts it once and matches objects with the result.
// Kept free of protobuf: the generated message (client/api) is copied into these structs by its
// codec, or built by hand.
//
// Plain data; thread-compatible.
#ifndef KUBECPP_CLIENT_META_LABEL_SELECTOR_SPEC_H_
#define KUBECPP_CLIENT_META_LABEL_SELECTOR_SPEC_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/meta/labels.h"

namespace kube::meta {

struct LabelSelectorSpec {
  // Requirement is metav1.LabelSelectorRequirement.
  struct Requirement {
    std::string key;
    std::string op;  // "In", "NotIn", "Exists", "DoesNotExist" (the API's spelling)
    std::vector<std::string> values;
  };

  std::map<std::string, std::string> match_labels;  // each entry is key=value
  std::vector<Requirement> match_expressions;
};

// LabelSelectorFromSpec converts like apimachinery's metav1.LabelSelectorAsSelector:
//   * nullptr (a selector field that is not set) selects Nothing();
//   * a spec with no labels and no expressions selects Everything();
//   * otherwise matchLabels become "=" requirements and matchExpressions In/NotIn/Exists/
//     DoesNotExist requirements, ANDed, sorted by key (matchLabels first among equal keys).
// InvalidArgument for an unknown operator or an invalid key, value or value count. Duplicate
// values are kept, so String() equals what the apiserver prints for the same spec (for example
// the `status.selector` of a Deployment's scale subresource).
absl::StatusOr<LabelSelector> LabelSelectorFromSpec(const LabelSelectorSpec* spec);
absl::StatusOr<LabelSelector> LabelSelectorFromSpec(const LabelSelectorSpec& spec);

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_LABEL_SELECTOR_SPEC_H_
