#include "plugins/host/proto_object_view.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/api/json_options.pb.h"
#include "google/protobuf/descriptor.h"

namespace kube::plugins {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using Element = FieldPath::Element;

constexpr absl::string_view kPartialObjectMetadata = "kube.api.meta.v1.PartialObjectMetadata";

// Resolved is where a path ends: `field` of `parent` (null when absent along the way), either
// whole or one element of it (a list index or a map key).
struct Resolved {
  const Message* parent = nullptr;
  const FieldDescriptor* field = nullptr;
  Element::Kind selector = Element::Kind::kField;  // kField: the whole field
  size_t index = 0;
  std::string key;
};

// GeneratedStringMap is ObjectMeta's labels or annotations through the generated API: a hash
// lookup instead of reflection's linear walk over map entries (which protobuf materializes
// lazily as a list of entry messages). Null for any other map.
const google::protobuf::Map<std::string, std::string>* GeneratedStringMap(
    const Message& parent, const FieldDescriptor* field) {
  const auto* meta = dynamic_cast<const api::meta::v1::ObjectMeta*>(&parent);
  if (meta == nullptr) return nullptr;
  if (field->name() == "labels") return &meta->labels();
  if (field->name() == "annotations") return &meta->annotations();
  return nullptr;
}

// MapEntry finds the entry of map field `field` with key `key`, or null.
const Message* MapEntry(const Message& parent, const FieldDescriptor* field, absl::string_view key,
                        int* position = nullptr) {
  const Reflection* r = parent.GetReflection();
  const FieldDescriptor* key_field = field->message_type()->map_key();
  for (int i = 0, n = r->FieldSize(parent, field); i < n; ++i) {
    const Message& entry = r->GetRepeatedMessage(parent, field, i);
    std::string scratch;
    if (entry.GetReflection()->GetStringReference(entry, key_field, &scratch) == key) {
      if (position != nullptr) *position = i;
      return &entry;
    }
  }
  return nullptr;
}

bool IsInline(const FieldDescriptor* field) {
  return field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated() &&
         field->options().GetExtension(api::json_inline);
}

// FindMember finds the API (JSON) member `name` of `descriptor` the way the JSON codec lays the
// message out: a field of its own, or a member of a json_inline sub-message (Go's embedded
// structs: Volume carries VolumeSource's configMap, Probe carries ProbeHandler's httpGet), at
// any depth. Appends the inline fields to pass through, then the member's field, to `chain`.
// An inline field's own name (volumeSource, handler) is not a member: the API never shows it.
bool FindMember(const Descriptor* descriptor, absl::string_view name,
                std::vector<const FieldDescriptor*>& chain) {
  const FieldDescriptor* own = descriptor->FindFieldByName(std::string(name));
  if (own != nullptr && !IsInline(own)) {
    chain.push_back(own);
    return true;
  }
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (!IsInline(field)) continue;
    chain.push_back(field);
    if (FindMember(field->message_type(), name, chain)) return true;
    chain.pop_back();
  }
  return false;
}

absl::Status NoSuchField(const FieldPath& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("field path ", path.String(), ": ", why));
}

// Resolve walks `path` over the schema of `root` and, as far as it is present, over `root`.
absl::StatusOr<Resolved> Resolve(const Message& root, const FieldPath& path) {
  const std::vector<Element>& elements = path.elements();
  if (elements.empty()) return NoSuchField(path, "empty path");
  const Descriptor* descriptor = root.GetDescriptor();
  const Message* message = &root;
  for (size_t i = 0; i < elements.size(); ++i) {
    const Element& e = elements[i];
    if (e.kind != Element::Kind::kField) {
      return NoSuchField(path, absl::StrCat("element ", i, " must be a field name"));
    }
    std::vector<const FieldDescriptor*> chain;
    if (!FindMember(descriptor, e.name, chain)) {
      return NoSuchField(path, absl::StrCat(descriptor->name(), " has no field ", e.name));
    }
    // Pass through the inline sub-messages (absent ones make the rest absent).
    for (size_t c = 0; c + 1 < chain.size(); ++c) {
      if (message != nullptr) {
        const Reflection* r = message->GetReflection();
        message = r->HasField(*message, chain[c]) ? &r->GetMessage(*message, chain[c]) : nullptr;
      }
    }
    const FieldDescriptor* field = chain.back();
    Resolved at{message, field, Element::Kind::kField, 0, ""};
    if (i + 1 < elements.size() && elements[i + 1].kind != Element::Kind::kField) {
      const Element& selector = elements[++i];
      at.selector = selector.kind;
      if (selector.kind == Element::Kind::kKey && !field->is_map()) {
        return NoSuchField(path, absl::StrCat(e.name, " is not a map"));
      }
      if (selector.kind == Element::Kind::kIndex && (!field->is_repeated() || field->is_map())) {
        return NoSuchField(path, absl::StrCat(e.name, " is not a list"));
      }
      at.index = selector.index;
      at.key = selector.name;
    }
    if (i + 1 == elements.size()) return at;
    // The path goes on: this step must be one message.
    if (field->is_repeated() && at.selector == Element::Kind::kField) {
      return NoSuchField(path, absl::StrCat(e.name, " is a list or map; index it first"));
    }
    const FieldDescriptor* element_field =
        field->is_map() ? field->message_type()->map_value() : field;
    if (element_field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return NoSuchField(path, absl::StrCat(e.name, " is a scalar"));
    }
    descriptor = element_field->message_type();
    if (message == nullptr) continue;
    const Reflection* r = message->GetReflection();
    const Message* next = nullptr;
    switch (at.selector) {
      case Element::Kind::kField:
        if (r->HasField(*message, field)) next = &r->GetMessage(*message, field);
        break;
      case Element::Kind::kIndex:
        if (at.index < static_cast<size_t>(r->FieldSize(*message, field))) {
          next = &r->GetRepeatedMessage(*message, field, static_cast<int>(at.index));
        }
        break;
      case Element::Kind::kKey:
        if (const Message* entry = MapEntry(*message, field, at.key)) {
          next = &entry->GetReflection()->GetMessage(*entry, element_field);
        }
        break;
    }
    message = next;
  }
  return NoSuchField(path, "unreachable");
}

// RenderMessage renders the API's scalar-like messages (Time, Quantity, ...); nullopt for others.
std::optional<std::string> RenderMessage(const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const std::string& type = d->full_name();
  if (type == "kube.api.meta.v1.Time" || type == "kube.api.meta.v1.MicroTime") {
    const FieldDescriptor* seconds = d->FindFieldByName("seconds");
    const FieldDescriptor* nanos = d->FindFieldByName("nanos");
    if (seconds == nullptr || nanos == nullptr) return std::nullopt;
    absl::Time t =
        absl::FromUnixSeconds(r->GetInt64(m, seconds)) + absl::Nanoseconds(r->GetInt32(m, nanos));
    return absl::FormatTime(
        type == "kube.api.meta.v1.Time" ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%E6SZ", t,
        absl::UTCTimeZone());
  }
  if (type == "kube.api.resource.Quantity" || type == "kube.api.resource.QuantityValue") {
    const FieldDescriptor* text = d->FindFieldByName("string");
    if (text == nullptr) return std::nullopt;
    return r->GetString(m, text);
  }
  if (type == "kube.api.intstr.IntOrString") {
    const FieldDescriptor* kind = d->FindFieldByName("type");
    const FieldDescriptor* int_val = d->FindFieldByName("intVal");
    const FieldDescriptor* str_val = d->FindFieldByName("strVal");
    if (kind == nullptr || int_val == nullptr || str_val == nullptr) return std::nullopt;
    if (r->GetInt64(m, kind) == 1) return r->GetString(m, str_val);
    return absl::StrCat(r->GetInt32(m, int_val));
  }
  return std::nullopt;
}

bool IsScalarMessage(const Descriptor* d) {
  const std::string& t = d->full_name();
  return t == "kube.api.meta.v1.Time" || t == "kube.api.meta.v1.MicroTime" ||
         t == "kube.api.resource.Quantity" || t == "kube.api.resource.QuantityValue" ||
         t == "kube.api.intstr.IntOrString";
}

// Render reads a scalar: element `index` of a repeated field, or the singular field (index < 0).
absl::StatusOr<FieldValue> Render(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      if (&s == &scratch) return FieldValue::Owned(std::move(scratch));
      return FieldValue::Borrowed(s);
    }
    case FieldDescriptor::CPPTYPE_INT32:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f)));
    case FieldDescriptor::CPPTYPE_INT64:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f)));
    case FieldDescriptor::CPPTYPE_UINT32:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f)));
    case FieldDescriptor::CPPTYPE_UINT64:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f)));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f)));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FieldValue::Owned(
          absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f)));
    case FieldDescriptor::CPPTYPE_BOOL:
      return FieldValue::Borrowed(
          (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false");
    case FieldDescriptor::CPPTYPE_ENUM:
      return FieldValue::Borrowed(
          (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name());
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (std::optional<std::string> text = RenderMessage(sub)) {
        return FieldValue::Owned(*std::move(text));
      }
      break;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(f->name(), " is not a scalar"));
}

// OutsideMetadata: whether a metadata-only object must refuse `path`.
bool OutsideMetadata(const FieldPath& path) {
  const auto& e = path.elements();
  if (e.empty() || e[0].kind != Element::Kind::kField) return true;
  return e[0].name != "metadata" && e[0].name != "kind" && e[0].name != "apiVersion";
}

const google::protobuf::Map<std::string, std::string>* MapOf(const api::meta::v1::ObjectMeta* m,
                                                             MetadataMap map) {
  if (m == nullptr) return nullptr;
  if (map == MetadataMap::kLabels) return &m->labels();
  if (map == MetadataMap::kAnnotations) return &m->annotations();
  return nullptr;
}

}  // namespace

const api::meta::v1::ObjectMeta* ObjectMetaOf(const Message& message) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName("metadata");
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return nullptr;
  }
  return dynamic_cast<const api::meta::v1::ObjectMeta*>(
      &message.GetReflection()->GetMessage(message, field));
}

// ---- ProtoObjectView ----------------------------------------------------------------------------

ProtoObjectView::ProtoObjectView(const Message& message, std::string api_version, std::string kind)
    : message_(message), api_version_(std::move(api_version)), kind_(std::move(kind)) {}

Representation ProtoObjectView::representation() const {
  return message_.GetDescriptor()->full_name() == kPartialObjectMetadata
             ? Representation::kMetadataOnly
             : Representation::kTyped;
}

absl::string_view ProtoObjectView::Namespace() const {
  const api::meta::v1::ObjectMeta* m = ObjectMetaOf(message_);
  return m == nullptr ? "" : absl::string_view(m->namespace_());
}
absl::string_view ProtoObjectView::Name() const {
  const api::meta::v1::ObjectMeta* m = ObjectMetaOf(message_);
  return m == nullptr ? "" : absl::string_view(m->name());
}
absl::string_view ProtoObjectView::Uid() const {
  const api::meta::v1::ObjectMeta* m = ObjectMetaOf(message_);
  return m == nullptr ? "" : absl::string_view(m->uid());
}
absl::string_view ProtoObjectView::ResourceVersion() const {
  const api::meta::v1::ObjectMeta* m = ObjectMetaOf(message_);
  return m == nullptr ? "" : absl::string_view(m->resourceversion());
}

absl::StatusOr<FieldValue> ProtoObjectView::Field(const FieldPath& path) const {
  const auto& e = path.elements();
  if (e.size() == 1 && e[0].kind == Element::Kind::kField) {
    // TypeMeta is not in the message: it comes from the GVK.
    if (e[0].name == "kind") return FieldValue::Borrowed(kind_);
    if (e[0].name == "apiVersion") return FieldValue::Borrowed(api_version_);
  }
  if (representation() == Representation::kMetadataOnly && OutsideMetadata(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": outside metadata on a metadata-only object"));
  }
  absl::StatusOr<Resolved> at = Resolve(message_, path);
  if (!at.ok()) return at.status();
  const FieldDescriptor* f = at->field;
  if (at->selector == Element::Kind::kField && f->is_repeated()) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": a list or map, not a scalar"));
  }
  const FieldDescriptor* value_field =
      at->selector == Element::Kind::kKey ? f->message_type()->map_value() : f;
  if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !IsScalarMessage(value_field->message_type())) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": a message, not a scalar"));
  }
  auto not_found = [&path] {
    return absl::NotFoundError(absl::StrCat("field path ", path.String(), ": not set"));
  };
  if (at->parent == nullptr) return not_found();
  const Message& parent = *at->parent;
  const Reflection* r = parent.GetReflection();
  switch (at->selector) {
    case Element::Kind::kField:
      if (!r->HasField(parent, f)) return not_found();
      return Render(parent, f, -1);
    case Element::Kind::kIndex:
      if (at->index >= static_cast<size_t>(r->FieldSize(parent, f))) return not_found();
      return Render(parent, f, static_cast<int>(at->index));
    case Element::Kind::kKey: {
      if (const auto* map = GeneratedStringMap(parent, f)) {
        auto it = map->find(at->key);
        if (it == map->end()) return not_found();
        return FieldValue::Borrowed(it->second);
      }
      const Message* entry = MapEntry(parent, f, at->key);
      if (entry == nullptr) return not_found();
      return Render(*entry, value_field, -1);
    }
  }
  return not_found();
}

absl::StatusOr<size_t> ProtoObjectView::ListSize(const FieldPath& path) const {
  if (representation() == Representation::kMetadataOnly && OutsideMetadata(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": outside metadata on a metadata-only object"));
  }
  absl::StatusOr<Resolved> at = Resolve(message_, path);
  if (!at.ok()) return at.status();
  if (at->selector != Element::Kind::kField || !at->field->is_repeated() || at->field->is_map()) {
    return NoSuchField(path, "not a list");
  }
  if (at->parent == nullptr) return 0;
  return static_cast<size_t>(at->parent->GetReflection()->FieldSize(*at->parent, at->field));
}

std::optional<absl::string_view> ProtoObjectView::MapValue(MetadataMap map,
                                                           absl::string_view key) const {
  const auto* m = MapOf(ObjectMetaOf(message_), map);
  if (m == nullptr) return std::nullopt;
  auto it = m->find(std::string(key));
  if (it == m->end()) return std::nullopt;
  return absl::string_view(it->second);
}

void ProtoObjectView::ForEachMapEntry(
    MetadataMap map,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const {
  const auto* m = MapOf(ObjectMetaOf(message_), map);
  if (m == nullptr) return;
  for (const auto& [key, value] : *m) {
    if (!visit(key, value)) return;
  }
}

size_t ProtoObjectView::OwnerReferenceCount() const {
  const api::meta::v1::ObjectMeta* m = ObjectMetaOf(message_);
  return m == nullptr ? 0 : static_cast<size_t>(m->ownerreferences_size());
}

OwnerReferenceView ProtoObjectView::OwnerReference(size_t index) const {
  const api::meta::v1::OwnerReference& o =
      ObjectMetaOf(message_)->ownerreferences(static_cast<int>(index));
  OwnerReferenceView view{o.apiversion(), o.kind(), o.name(), o.uid(), std::nullopt, std::nullopt};
  if (o.has_controller()) view.controller = o.controller();
  if (o.has_blockownerdeletion()) view.block_owner_deletion = o.blockownerdeletion();
  return view;
}

// ---- ProtoObjectEditor --------------------------------------------------------------------------

ProtoObjectEditor::ProtoObjectEditor(Message& message, std::string api_version, std::string kind)
    : message_(message), view_(message, std::move(api_version), std::move(kind)) {}

absl::Status ProtoObjectEditor::RemoveField(const FieldPath& path) {
  if (IsProtectedField(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": part of the object's identity"));
  }
  if (representation() == Representation::kMetadataOnly && OutsideMetadata(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("field path ", path.String(), ": outside metadata on a metadata-only object"));
  }
  absl::StatusOr<Resolved> at = Resolve(message_, path);
  if (!at.ok()) return at.status();
  if (at->parent == nullptr) return absl::OkStatus();  // already absent
  // Resolve walked `message_` itself, so the parent is part of it: editing it is ours to do.
  Message& parent = const_cast<Message&>(*at->parent);
  const Reflection* r = parent.GetReflection();
  const FieldDescriptor* f = at->field;
  int position = -1;
  switch (at->selector) {
    case Element::Kind::kField:
      r->ClearField(&parent, f);
      return absl::OkStatus();
    case Element::Kind::kIndex:
      if (at->index < static_cast<size_t>(r->FieldSize(parent, f))) {
        position = static_cast<int>(at->index);
      }
      break;
    case Element::Kind::kKey:
      if (GeneratedStringMap(parent, f) != nullptr) {
        auto* meta = dynamic_cast<api::meta::v1::ObjectMeta*>(&parent);
        (f->name() == "labels" ? meta->mutable_labels() : meta->mutable_annotations())
            ->erase(at->key);
        return absl::OkStatus();
      }
      MapEntry(parent, f, at->key, &position);
      break;
  }
  if (position < 0) return absl::OkStatus();
  // Move the element to the end (keeping the others' order), then drop it.
  for (int i = position, n = r->FieldSize(parent, f); i + 1 < n; ++i) {
    r->SwapElements(&parent, f, i, i + 1);
  }
  r->RemoveLast(&parent, f);
  return absl::OkStatus();
}

namespace {
absl::StatusOr<google::protobuf::Map<std::string, std::string>*> MutableMapOf(Message& message,
                                                                              MetadataMap map) {
  if (ObjectMetaOf(message) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(message.GetDescriptor()->full_name(), " has no ObjectMeta metadata"));
  }
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName("metadata");
  auto* meta = dynamic_cast<api::meta::v1::ObjectMeta*>(
      message.GetReflection()->MutableMessage(&message, field));
  if (map == MetadataMap::kLabels) return meta->mutable_labels();
  if (map == MetadataMap::kAnnotations) return meta->mutable_annotations();
  return absl::InvalidArgumentError("unknown metadata map");
}
}  // namespace

absl::Status ProtoObjectEditor::SetMapValue(MetadataMap map, absl::string_view key,
                                            absl::string_view value) {
  auto m = MutableMapOf(message_, map);
  if (!m.ok()) return m.status();
  (**m)[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status ProtoObjectEditor::RemoveMapValue(MetadataMap map, absl::string_view key) {
  auto m = MutableMapOf(message_, map);
  if (!m.ok()) return m.status();
  (*m)->erase(std::string(key));
  return absl::OkStatus();
}

}  // namespace kube::plugins
