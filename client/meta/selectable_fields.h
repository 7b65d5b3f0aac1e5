// kube::meta selectable fields — which fields the apiserver accepts in a field selector, per
// built-in kind, as data (kube-apiserver v1.37: the field label conversion functions of
// pkg/apis/*/v1 and apimachinery's default).
//
// Where it sits: a client can reject a field selector before sending it (the apiserver answers
// 400 BadRequest "field label not supported: ..."), an informer factory can check the selectors
// it is given, and an indexer knows which fields are worth indexing. selector_apiserver_test
// checks every entry against the real apiserver.
//
// Kinds not listed accept only metadata.name and metadata.namespace (apimachinery's
// DefaultMetaV1FieldSelectorConversion). A CustomResourceDefinition may declare more
// (spec.versions[].selectableFields); this table cannot know those, so ValidateFieldSelector
// is for built-in kinds.
//
// Immutable static data; thread-safe.
#ifndef KUBECPP_CLIENT_META_SELECTABLE_FIELDS_H_
#define KUBECPP_CLIENT_META_SELECTABLE_FIELDS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "client/meta/fields.h"
#include "client/meta/gvk.h"

namespace kube::meta {

// FieldAlias is a field name the apiserver accepts and rewrites to another before matching
// (pods: "spec.host" -> "spec.nodeName", kept for very old clients).
struct FieldAlias {
  absl::string_view from;
  absl::string_view to;
};

// SelectableFields describes one kind: its identity and the field labels the apiserver accepts.
struct SelectableFields {
  absl::string_view group;  // "" for core
  absl::string_view version;
  absl::string_view kind;      // "Pod"
  absl::string_view resource;  // "pods"
  bool namespaced;
  absl::Span<const absl::string_view> fields;
  absl::Span<const FieldAlias> aliases;
};

// BuiltinSelectableFields lists every built-in kind whose selectable fields differ from the
// default, in a fixed order.
absl::Span<const SelectableFields> BuiltinSelectableFields();

// DefaultSelectableFields is {"metadata.name", "metadata.namespace"}: what every other kind
// accepts.
absl::Span<const absl::string_view> DefaultSelectableFields();

// FindSelectableFields returns the table entry for a kind or a resource, or nullptr when the
// kind uses the default.
const SelectableFields* FindSelectableFields(const GroupVersionKind& gvk);
const SelectableFields* FindSelectableFields(const GroupVersionResource& gvr);

// IsSelectableField: whether the apiserver accepts `field` (an alias included) in a field
// selector for `gvk`.
bool IsSelectableField(const GroupVersionKind& gvk, absl::string_view field);
bool IsSelectableField(const GroupVersionResource& gvr, absl::string_view field);

// ValidateFieldSelector fails with InvalidArgument naming the first field of `selector` that
// the apiserver would reject for the kind ("field label not supported: spec.bogus").
absl::Status ValidateFieldSelector(const FieldSelector& selector, const GroupVersionKind& gvk);
absl::Status ValidateFieldSelector(const FieldSelector& selector, const GroupVersionResource& gvr);

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_SELECTABLE_FIELDS_H_
