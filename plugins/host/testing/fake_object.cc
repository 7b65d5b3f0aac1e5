#include "plugins/host/testing/fake_object.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::plugins::testing {
namespace {

using Kind = FieldPath::Element::Kind;

bool IsField(const FieldPath::Element& e, absl::string_view name) {
  return e.kind == Kind::kField && e.name == name;
}

absl::StatusOr<FieldValue> NonEmpty(absl::string_view value, const FieldPath& path) {
  if (value.empty()) return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
  return FieldValue::Borrowed(value);
}

absl::StatusOr<FieldValue> Bool(std::optional<bool> value, const FieldPath& path) {
  if (!value.has_value()) return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
  return FieldValue::Owned(*value ? "true" : "false");
}

absl::Status NotScalar(const FieldPath& path) {
  return absl::FailedPreconditionError(absl::StrCat(path.String(), " is not a scalar"));
}

}  // namespace

FakeObject::FakeObject(absl::string_view kind, absl::string_view ns, absl::string_view name)
    : kind_(kind), namespace_(ns), name_(name) {}

FakeObject& FakeObject::SetRepresentation(Representation representation) {
  representation_ = representation;
  return *this;
}
FakeObject& FakeObject::SetKind(absl::string_view kind) {
  kind_ = std::string(kind);
  return *this;
}
FakeObject& FakeObject::SetApiVersion(absl::string_view api_version) {
  api_version_ = std::string(api_version);
  return *this;
}
FakeObject& FakeObject::SetNamespace(absl::string_view ns) {
  namespace_ = std::string(ns);
  return *this;
}
FakeObject& FakeObject::SetName(absl::string_view name) {
  name_ = std::string(name);
  return *this;
}
FakeObject& FakeObject::SetUid(absl::string_view uid) {
  uid_ = std::string(uid);
  return *this;
}
FakeObject& FakeObject::SetResourceVersion(absl::string_view resource_version) {
  resource_version_ = std::string(resource_version);
  return *this;
}

FakeObject& FakeObject::SetField(absl::string_view text, absl::string_view value) {
  absl::StatusOr<FieldPath> path = FieldPath::Parse(text);
  if (!path.ok()) {
    std::fprintf(stderr, "FakeObject::SetField: %s\n", path.status().ToString().c_str());
    std::abort();
  }
  std::string key = path->String();
  fields_[key] = StoredField{*std::move(path), std::string(value)};
  return *this;
}

FakeObject& FakeObject::SetLabel(absl::string_view key, absl::string_view value) {
  labels_[std::string(key)] = std::string(value);
  return *this;
}

FakeObject& FakeObject::SetAnnotation(absl::string_view key, absl::string_view value) {
  annotations_[std::string(key)] = std::string(value);
  return *this;
}

FakeObject& FakeObject::AddOwnerReference(FakeOwnerReference owner) {
  owners_.push_back(std::move(owner));
  return *this;
}

bool FakeObject::HasField(absl::string_view text) const {
  absl::StatusOr<FieldPath> path = FieldPath::Parse(text);
  if (!path.ok()) return false;
  for (const auto& [key, field] : fields_) {
    if (field.path.HasPrefix(*path)) return true;
  }
  return false;
}

absl::StatusOr<FieldValue> FakeObject::Field(const FieldPath& path) const {
  const auto& e = path.elements();
  if (e.empty()) return absl::InvalidArgumentError("empty field path");
  const bool in_metadata = IsField(e[0], "metadata");
  const bool type_meta = e.size() == 1 && (IsField(e[0], "kind") || IsField(e[0], "apiVersion"));
  if (representation_ == Representation::kMetadataOnly && !in_metadata && !type_meta) {
    return absl::FailedPreconditionError(
        absl::StrCat("metadata-only object has no field ", path.String()));
  }
  if (e.size() == 1 && IsField(e[0], "kind")) return NonEmpty(kind_, path);
  if (e.size() == 1 && IsField(e[0], "apiVersion")) return NonEmpty(api_version_, path);
  if (in_metadata && e.size() >= 2 && e[1].kind == Kind::kField) {
    const std::string& f = e[1].name;
    if (e.size() == 2) {
      if (f == "name") return NonEmpty(name_, path);
      if (f == "namespace") return NonEmpty(namespace_, path);
      if (f == "uid") return NonEmpty(uid_, path);
      if (f == "resourceVersion") return NonEmpty(resource_version_, path);
    }
    if (f == "labels" || f == "annotations") {
      if (e.size() == 2) return NotScalar(path);
      if (e[2].kind != Kind::kKey || e.size() > 3) {
        return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
      }
      const StringMap& map = f == "labels" ? labels_ : annotations_;
      auto it = map.find(e[2].name);
      if (it == map.end()) return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
      return FieldValue::Borrowed(it->second);
    }
    if (f == "ownerReferences") {
      if (e.size() == 2) return NotScalar(path);
      if (e[2].kind != Kind::kIndex) {
        return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
      }
      if (e[2].index >= owners_.size()) {
        return absl::NotFoundError(absl::StrCat(path.String(), ": index past the end"));
      }
      if (e.size() == 3) return NotScalar(path);
      if (e[3].kind != Kind::kField || e.size() > 4) {
        return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
      }
      const FakeOwnerReference& owner = owners_[e[2].index];
      const std::string& of = e[3].name;
      if (of == "apiVersion") return NonEmpty(owner.api_version, path);
      if (of == "kind") return NonEmpty(owner.kind, path);
      if (of == "name") return NonEmpty(owner.name, path);
      if (of == "uid") return NonEmpty(owner.uid, path);
      if (of == "controller") return Bool(owner.controller, path);
      if (of == "blockOwnerDeletion") return Bool(owner.block_owner_deletion, path);
      return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
    }
  }
  auto it = fields_.find(path.String());
  if (it != fields_.end()) return FieldValue::Borrowed(it->second.value);
  for (const auto& [key, field] : fields_) {
    if (field.path.HasPrefix(path)) return NotScalar(path);
  }
  return absl::NotFoundError(absl::StrCat(path.String(), " is not set"));
}

std::optional<absl::string_view> FakeObject::MapValue(MetadataMap map,
                                                      absl::string_view key) const {
  const StringMap& m = MapFor(map);
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return absl::string_view(it->second);
}

void FakeObject::ForEachMapEntry(
    MetadataMap map,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const {
  for (const auto& [key, value] : MapFor(map)) {
    if (!visit(key, value)) return;
  }
}

OwnerReferenceView FakeObject::OwnerReference(size_t index) const {
  const FakeOwnerReference& o = owners_.at(index);
  return OwnerReferenceView{o.api_version, o.kind,       o.name,
                            o.uid,         o.controller, o.block_owner_deletion};
}

absl::Status FakeObject::RemoveField(const FieldPath& path) {
  if (IsProtectedField(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.String(), " is part of the object's identity and cannot be removed"));
  }
  const auto& e = path.elements();
  if (!e.empty() && IsField(e[0], "metadata") && e.size() >= 2 && e[1].kind == Kind::kField) {
    const std::string& f = e[1].name;
    if (f == "labels" || f == "annotations") {
      StringMap& map = f == "labels" ? labels_ : annotations_;
      if (e.size() == 2) map.clear();
      if (e.size() == 3 && e[2].kind == Kind::kKey) map.erase(e[2].name);
      return absl::OkStatus();
    }
    if (f == "ownerReferences") {
      if (e.size() == 2) owners_.clear();
      if (e.size() == 3 && e[2].kind == Kind::kIndex && e[2].index < owners_.size()) {
        owners_.erase(owners_.begin() + static_cast<std::ptrdiff_t>(e[2].index));
      }
      return absl::OkStatus();
    }
  }
  for (auto it = fields_.begin(); it != fields_.end();) {
    if (it->second.path.HasPrefix(path)) {
      it = fields_.erase(it);
    } else {
      ++it;
    }
  }
  return absl::OkStatus();
}

absl::Status FakeObject::SetMapValue(MetadataMap map, absl::string_view key,
                                     absl::string_view value) {
  MapFor(map)[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status FakeObject::RemoveMapValue(MetadataMap map, absl::string_view key) {
  StringMap& m = MapFor(map);
  auto it = m.find(key);
  if (it != m.end()) m.erase(it);
  return absl::OkStatus();
}

}  // namespace kube::plugins::testing
