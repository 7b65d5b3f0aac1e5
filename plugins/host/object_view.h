// kube::plugins::ObjectView and ObjectEditor — what a plugin can see of, and do to, one object.
//
// Where it sits: the plugin host turns the accessor and editor callbacks of the C ABI
// (plugins/abi/kube_plugin.h) into calls on these interfaces. Implementations over the
// project's object representations (protobuf messages of built-in kinds, Unstructured JSON,
// PartialObjectMetadata) belong with those representations; //plugins/host/testing:fake_object
// is a map-based one for tests. Built-in index functions can read objects through the same
// interface, so a plugin and a built-in index see identical values.
//
// Contract shared by every implementation (the ABI promises it to plugin authors):
//  - Strings returned by an ObjectView stay valid until the object is edited or destroyed.
//  - Field() renders scalars as text: strings as they are, integers in decimal, booleans as
//    "true"/"false", quantities, times and int-or-strings in their API string form. It returns
//    NotFound for a path absent from this object (unset optional field, index past the end,
//    missing map key), InvalidArgument for a path that names no field of the kind's schema,
//    FailedPrecondition for a path that names a message, list or map, and for any path outside
//    kind/apiVersion/metadata on a metadata-only object.
//  - Identity strings are empty when the object has none (namespace of a cluster-scoped
//    object, kind of an object decoded without TypeMeta and no known GVK).
//
// Thread-safety: const methods of an ObjectView may be called concurrently, as long as nobody
// edits the object at the same time. An ObjectEditor is used by one thread at a time.
#ifndef KUBECPP_PLUGINS_HOST_OBJECT_VIEW_H_
#define KUBECPP_PLUGINS_HOST_OBJECT_VIEW_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/host/field_path.h"

namespace kube::plugins {

// Representation mirrors KUBE_PLUGIN_REPRESENTATION_* (same numbers).
enum class Representation : uint32_t {
  kTyped = 1,
  kUnstructured = 2,
  kMetadataOnly = 3,
};

// MetadataMap mirrors KUBE_PLUGIN_MAP_* (same numbers).
enum class MetadataMap : uint32_t {
  kLabels = 1,
  kAnnotations = 2,
};

// OwnerReferenceView is one entry of metadata.ownerReferences; strings follow the ObjectView
// lifetime rule.
struct OwnerReferenceView {
  absl::string_view api_version;
  absl::string_view kind;
  absl::string_view name;
  absl::string_view uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
};

// FieldValue is a scalar rendered as text: either borrowed from the object (no copy, e.g. a
// string field) or owned (e.g. an integer rendered in decimal).
class FieldValue {
 public:
  static FieldValue Borrowed(absl::string_view text) { return FieldValue(text); }
  static FieldValue Owned(std::string text) { return FieldValue(std::move(text)); }

  absl::string_view text() const {
    if (const auto* owned = std::get_if<std::string>(&value_)) return *owned;
    return std::get<absl::string_view>(value_);
  }
  bool owned() const { return std::holds_alternative<std::string>(value_); }
  // TakeOwned moves the owned text out; only for owned() values.
  std::string TakeOwned() && { return std::move(std::get<std::string>(value_)); }

 private:
  explicit FieldValue(absl::string_view text) : value_(text) {}
  explicit FieldValue(std::string text) : value_(std::move(text)) {}

  std::variant<absl::string_view, std::string> value_;
};

// ObjectView reads one object.
class ObjectView {
 public:
  virtual ~ObjectView() = default;

  virtual Representation representation() const = 0;

  virtual absl::string_view Kind() const = 0;
  virtual absl::string_view ApiVersion() const = 0;
  virtual absl::string_view Namespace() const = 0;
  virtual absl::string_view Name() const = 0;
  virtual absl::string_view Uid() const = 0;
  virtual absl::string_view ResourceVersion() const = 0;

  // Field reads the scalar at `path` (see the contract above for the error codes).
  virtual absl::StatusOr<FieldValue> Field(const FieldPath& path) const = 0;

  // MapValue is one label or annotation, or nullopt when absent.
  virtual std::optional<absl::string_view> MapValue(MetadataMap map,
                                                    absl::string_view key) const = 0;

  // ForEachMapEntry calls `visit` for each label or annotation, in unspecified order, until it
  // returns false. `visit` must not edit the object.
  virtual void ForEachMapEntry(
      MetadataMap map,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const = 0;

  virtual size_t OwnerReferenceCount() const = 0;
  // OwnerReference is entry `index`; requires index < OwnerReferenceCount().
  virtual OwnerReferenceView OwnerReference(size_t index) const = 0;
};

// ObjectEditor is an object a transform may edit; it reads its own current state (edits
// included) through the ObjectView methods. Every edit may invalidate strings returned before.
class ObjectEditor : public ObjectView {
 public:
  // RemoveField removes whatever is at `path`; OK when it is already absent. InvalidArgument
  // for a path that names no field of the schema; FailedPrecondition for fields that must stay
  // (kind, apiVersion, metadata.name, metadata.namespace, metadata.uid,
  // metadata.resourceVersion) — see IsProtectedField.
  virtual absl::Status RemoveField(const FieldPath& path) = 0;

  // SetMapValue adds or replaces a label or annotation.
  virtual absl::Status SetMapValue(MetadataMap map, absl::string_view key,
                                   absl::string_view value) = 0;

  // RemoveMapValue removes a label or annotation; OK when absent.
  virtual absl::Status RemoveMapValue(MetadataMap map, absl::string_view key) = 0;
};

// IsProtectedField: whether removing `path` would remove (part of) an object's identity, which
// RemoveField refuses: kind, apiVersion, metadata, metadata.name, metadata.namespace,
// metadata.uid, metadata.resourceVersion. Shared so every implementation refuses the same set.
bool IsProtectedField(const FieldPath& path);

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_OBJECT_VIEW_H_
