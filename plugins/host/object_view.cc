#include "plugins/host/object_view.h"

namespace kube::plugins {

bool IsProtectedField(const FieldPath& path) {
  const auto& e = path.elements();
  if (e.empty() || e[0].kind != FieldPath::Element::Kind::kField) return false;
  if (e.size() == 1) {
    return e[0].name == "kind" || e[0].name == "apiVersion" || e[0].name == "metadata";
  }
  if (e[0].name != "metadata" || e[1].kind != FieldPath::Element::Kind::kField) return false;
  const absl::string_view field = e[1].name;
  return field == "name" || field == "namespace" || field == "uid" || field == "resourceVersion";
}

}  // namespace kube::plugins
