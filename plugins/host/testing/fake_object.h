// kube::plugins::testing::FakeObject — a map-based ObjectEditor for tests of plugins and of the
// plugin host. Not a model of any real kind: it has no schema, so every well-formed path that
// holds nothing reads as NotFound (never InvalidArgument).
//
// Layout: identity strings, labels, annotations and owner references are held as such; every
// other scalar is stored under its canonical path (SetField("spec.nodeName", "node-1"),
// SetField("metadata.managedFields[0].manager", "kubectl")). A path that is a strict prefix of
// stored paths names a non-scalar (FailedPrecondition), like a message or list would.
//
// Thread-safety: as ObjectView/ObjectEditor: concurrent const calls are safe; edits need
// exclusive access.
#ifndef KUBECPP_PLUGINS_HOST_TESTING_FAKE_OBJECT_H_
#define KUBECPP_PLUGINS_HOST_TESTING_FAKE_OBJECT_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/host/field_path.h"
#include "plugins/host/object_view.h"

namespace kube::plugins::testing {

struct FakeOwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
};

class FakeObject : public ObjectEditor {
 public:
  FakeObject() = default;
  // A namespaced object of `kind` (apiVersion "v1" unless set otherwise).
  FakeObject(absl::string_view kind, absl::string_view ns, absl::string_view name);

  // Builders; each returns *this for chaining. SetField aborts the test binary on a malformed
  // path (a bug in the test itself).
  FakeObject& SetRepresentation(Representation representation);
  FakeObject& SetKind(absl::string_view kind);
  FakeObject& SetApiVersion(absl::string_view api_version);
  FakeObject& SetNamespace(absl::string_view ns);
  FakeObject& SetName(absl::string_view name);
  FakeObject& SetUid(absl::string_view uid);
  FakeObject& SetResourceVersion(absl::string_view resource_version);
  FakeObject& SetField(absl::string_view path, absl::string_view value);
  FakeObject& SetLabel(absl::string_view key, absl::string_view value);
  FakeObject& SetAnnotation(absl::string_view key, absl::string_view value);
  FakeObject& AddOwnerReference(FakeOwnerReference owner);

  // Inspection for assertions.
  const std::map<std::string, std::string, std::less<>>& labels() const { return labels_; }
  const std::map<std::string, std::string, std::less<>>& annotations() const {
    return annotations_;
  }
  // HasField: whether a scalar is stored at or below `path` (canonical or not).
  bool HasField(absl::string_view path) const;
  const std::vector<FakeOwnerReference>& owner_references() const { return owners_; }

  // ObjectView.
  Representation representation() const override { return representation_; }
  absl::string_view Kind() const override { return kind_; }
  absl::string_view ApiVersion() const override { return api_version_; }
  absl::string_view Namespace() const override { return namespace_; }
  absl::string_view Name() const override { return name_; }
  absl::string_view Uid() const override { return uid_; }
  absl::string_view ResourceVersion() const override { return resource_version_; }
  absl::StatusOr<FieldValue> Field(const FieldPath& path) const override;
  std::optional<absl::string_view> MapValue(MetadataMap map, absl::string_view key) const override;
  void ForEachMapEntry(
      MetadataMap map,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const override;
  size_t OwnerReferenceCount() const override { return owners_.size(); }
  OwnerReferenceView OwnerReference(size_t index) const override;

  // ObjectEditor.
  absl::Status RemoveField(const FieldPath& path) override;
  absl::Status SetMapValue(MetadataMap map, absl::string_view key,
                           absl::string_view value) override;
  absl::Status RemoveMapValue(MetadataMap map, absl::string_view key) override;

 private:
  using StringMap = std::map<std::string, std::string, std::less<>>;
  struct StoredField {
    FieldPath path;
    std::string value;
  };

  const StringMap& MapFor(MetadataMap map) const {
    return map == MetadataMap::kLabels ? labels_ : annotations_;
  }
  StringMap& MapFor(MetadataMap map) {
    return map == MetadataMap::kLabels ? labels_ : annotations_;
  }

  Representation representation_ = Representation::kTyped;
  std::string kind_;
  std::string api_version_ = "v1";
  std::string namespace_;
  std::string name_;
  std::string uid_;
  std::string resource_version_;
  StringMap labels_;
  StringMap annotations_;
  std::vector<FakeOwnerReference> owners_;
  std::map<std::string, StoredField, std::less<>> fields_;  // by canonical path
};

}  // namespace kube::plugins::testing

#endif  // KUBECPP_PLUGINS_HOST_TESTING_FAKE_OBJECT_H_
