#include "client/typed/resource_client.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/api/builtin_kinds.h"
#include "client/api/json_codec.h"
#include "client/api/json_format.h"
#include "client/api/protobuf_codec.h"
#include "client/rest/status.h"
#include "google/protobuf/descriptor.h"

namespace kube::typed {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;

constexpr absl::string_view kAcceptProtobuf =
    "application/vnd.kubernetes.protobuf, application/json";
constexpr absl::string_view kAcceptJson = "application/json";

const FieldDescriptor* FieldOfType(const Descriptor* descriptor, absl::string_view name,
                                   const Descriptor* type) {
  const FieldDescriptor* field = descriptor->FindFieldByName(std::string(name));
  if (field == nullptr || field->message_type() != type) return nullptr;
  return field;
}

absl::Status NeedName(absl::string_view name, absl::string_view verb) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(verb, " needs a name"));
  return absl::OkStatus();
}

}  // namespace

const api::meta::v1::ObjectMeta* MetadataOf(const Message& object) {
  const FieldDescriptor* field =
      FieldOfType(object.GetDescriptor(), "metadata", api::meta::v1::ObjectMeta::descriptor());
  if (field == nullptr) return nullptr;
  return static_cast<const api::meta::v1::ObjectMeta*>(
      &object.GetReflection()->GetMessage(object, field));
}

api::meta::v1::ObjectMeta* MutableMetadataOf(Message* object) {
  const FieldDescriptor* field =
      FieldOfType(object->GetDescriptor(), "metadata", api::meta::v1::ObjectMeta::descriptor());
  if (field == nullptr) return nullptr;
  return static_cast<api::meta::v1::ObjectMeta*>(
      object->GetReflection()->MutableMessage(object, field));
}

absl::StatusOr<ResourceClient> ResourceClient::Create(std::shared_ptr<rest::RestClient> client,
                                                      const api::KindInfo* kind, std::string ns,
                                                      ClientOptions options) {
  if (client == nullptr) return absl::InvalidArgumentError("typed client: no RestClient");
  if (kind == nullptr || kind->resource.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "typed client: ", kind == nullptr ? "no kind" : kind->kind, " is not a resource kind"));
  }
  if (options.registry == nullptr) options.registry = &api::DefaultRegistry();
  const api::KindInfo* list_kind = options.registry->FindByKind(kind->api_version, kind->list_kind);
  if (list_kind == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("typed client: the registry has no ",
                                                   kind->api_version, " ", kind->list_kind));
  }
  if (!kind->namespaced) ns.clear();
  ResourceClient rc(std::move(client), kind, std::move(ns), options);
  rc.list_kind_ = list_kind;
  rc.protobuf_codec_ = std::make_shared<api::ProtobufCodec>(*options.registry);
  rc.json_codec_ = std::make_shared<api::JsonCodec>(*options.registry);
  return rc;
}

rest::Request ResourceClient::Request(absl::string_view verb, absl::string_view ns) const {
  rest::Request r = client_->Verb(verb);
  r.GroupVersion(kind_->group, kind_->version);
  if (kind_->namespaced && !ns.empty()) r.Namespace(ns);
  r.Resource(kind_->resource);
  r.Accept(options_.wire == WireFormat::kProtobuf ? kAcceptProtobuf : kAcceptJson);
  return r;
}

std::string ResourceClient::NamespaceFor(const Message& object) const {
  if (!ns_.empty()) return ns_;
  const api::meta::v1::ObjectMeta* meta = MetadataOf(object);
  return meta == nullptr ? "" : meta->namespace_();
}

const api::Codec& ResourceClient::CodecFor(absl::string_view content_type) const {
  if (absl::StartsWithIgnoreCase(content_type, rest::kProtobufMediaType)) return *protobuf_codec_;
  return *json_codec_;
}

absl::StatusOr<std::string> ResourceClient::Encode(const Message& object) const {
  return (options_.wire == WireFormat::kProtobuf ? *protobuf_codec_ : *json_codec_).Encode(object);
}

absl::Status ResourceClient::DecodeInto(const rest::Result& result, Message* out) const {
  absl::Status s = CodecFor(result.content_type).DecodeInto(result.body, out);
  if (!s.ok()) {
    return absl::Status(s.code(), absl::StrCat("decoding the ", kind_->kind, " response (",
                                               result.content_type, "): ", s.message()));
  }
  return s;
}

absl::Status ResourceClient::CheckType(const Message& message, const Descriptor* want,
                                       absl::string_view what) const {
  if (message.GetDescriptor() != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " must be a ", want->full_name(), ", not a ", message.GetDescriptor()->full_name()));
  }
  return absl::OkStatus();
}

absl::Status ResourceClient::DecodeEvent(const rest::WatchEvent& event, Message* out) const {
  const api::Codec& codec =
      event.encoding == rest::WireEncoding::kProtobuf ? *protobuf_codec_ : *json_codec_;
  return codec.DecodeInto(event.object, out);
}

absl::Status ResourceClient::Get(absl::string_view name, const GetOptions& options, Message* out,
                                 absl::string_view subresource) const {
  if (absl::Status s = NeedName(name, "get"); !s.ok()) return s;
  if (subresource.empty()) {
    if (absl::Status s = CheckType(*out, kind_->descriptor, "get's result"); !s.ok()) return s;
  }
  rest::Request r = Request("GET", ns_);
  r.Name(name);
  if (!subresource.empty()) r.SubResource(subresource);
  if (absl::Status s = ApplyGetOptions(options, r); !s.ok()) return s;
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, out);
}

absl::Status ResourceClient::List(const ListOptions& options, Message* list) const {
  if (absl::Status s = CheckType(*list, list_kind_->descriptor, "list's result"); !s.ok()) {
    return s;
  }
  rest::Request r = Request("GET", ns_);
  if (absl::Status s = ApplyListOptions(options, r); !s.ok()) return s;
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, list);
}

absl::Status ResourceClient::ListAll(ListOptions options, Message* list) const {
  if (absl::Status s = List(options, list); !s.ok()) return s;
  const Descriptor* descriptor = list->GetDescriptor();
  const FieldDescriptor* items = descriptor->FindFieldByName("items");
  const FieldDescriptor* list_meta =
      FieldOfType(descriptor, "metadata", api::meta::v1::ListMeta::descriptor());
  if (items == nullptr || !items->is_repeated() || items->message_type() == nullptr ||
      list_meta == nullptr) {
    return absl::InternalError(absl::StrCat(descriptor->full_name(), " is not a list message"));
  }
  const google::protobuf::Reflection* reflection = list->GetReflection();
  auto* meta = static_cast<api::meta::v1::ListMeta*>(reflection->MutableMessage(list, list_meta));
  std::string next = meta->continue_();
  std::unique_ptr<Message> page(list->New());
  while (!next.empty()) {
    options.continue_token = next;
    if (absl::Status s = List(options, page.get()); !s.ok()) {
      if (!rest::IsExpired(s)) return s;
      // The snapshot the token pointed into was compacted away: like client-go's pager, fall
      // back to one unpaged list, which is consistent in itself.
      options.limit = 0;
      options.continue_token.clear();
      return List(options, list);
    }
    // Move the page's items over without copying: ReleaseLast hands them out last first.
    std::vector<Message*> moved(reflection->FieldSize(*page, items));
    for (size_t i = moved.size(); i > 0; --i)
      moved[i - 1] = reflection->ReleaseLast(page.get(), items);
    for (Message* m : moved) reflection->AddAllocatedMessage(list, items, m);
    next = static_cast<const api::meta::v1::ListMeta&>(reflection->GetMessage(*page, list_meta))
               .continue_();
  }
  meta->clear_continue_();
  meta->clear_remainingitemcount();
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<WatchQueue>> ResourceClient::Watch(
    const ListOptions& options) const {
  rest::Request r = Request("GET", ns_);
  if (absl::Status s = ApplyListOptions(options, r); !s.ok()) return s;
  r.Param("watch", "true");
  auto queue = std::make_shared<WatchQueue>(options_.watch_queue_capacity);
  absl::StatusOr<std::shared_ptr<rest::WatchCall>> call = r.Watch(queue);
  if (!call.ok()) return call.status();
  queue->SetCall(*std::move(call));
  return queue;
}

absl::Status ResourceClient::Create(const Message& object, const CreateOptions& options,
                                    Message* out) const {
  if (absl::Status s = CheckType(object, kind_->descriptor, "the object"); !s.ok()) return s;
  rest::Request r = Request("POST", NamespaceFor(object));
  if (absl::Status s = ApplyCreateOptions(options, r); !s.ok()) return s;
  absl::StatusOr<std::string> body = Encode(object);
  if (!body.ok()) return body.status();
  r.Body(*std::move(body),
         options_.wire == WireFormat::kProtobuf ? rest::kProtobufMediaType : rest::kJsonMediaType);
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, out);
}

absl::Status ResourceClient::Update(const Message& object, const UpdateOptions& options,
                                    Message* out, absl::string_view subresource) const {
  if (absl::Status s = CheckType(object, kind_->descriptor, "the object"); !s.ok()) return s;
  const api::meta::v1::ObjectMeta* meta = MetadataOf(object);
  std::string name = meta == nullptr ? "" : meta->name();
  if (absl::Status s = NeedName(name, "update"); !s.ok()) return s;
  rest::Request r = Request("PUT", NamespaceFor(object));
  r.Name(name);
  if (!subresource.empty()) r.SubResource(subresource);
  if (absl::Status s = ApplyUpdateOptions(options, r); !s.ok()) return s;
  absl::StatusOr<std::string> body = Encode(object);
  if (!body.ok()) return body.status();
  r.Body(*std::move(body),
         options_.wire == WireFormat::kProtobuf ? rest::kProtobufMediaType : rest::kJsonMediaType);
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, out);
}

absl::Status ResourceClient::UpdateSubresource(absl::string_view name,
                                               absl::string_view subresource, const Message& body,
                                               const UpdateOptions& options, Message* out) const {
  if (absl::Status s = NeedName(name, "update"); !s.ok()) return s;
  if (subresource.empty()) return absl::InvalidArgumentError("no subresource to update");
  const api::meta::v1::ObjectMeta* meta = MetadataOf(body);
  rest::Request r = Request("PUT", ns_.empty() && meta != nullptr ? meta->namespace_() : ns_);
  r.Name(name).SubResource(subresource);
  if (absl::Status s = ApplyUpdateOptions(options, r); !s.ok()) return s;
  absl::StatusOr<std::string> encoded = Encode(body);
  if (!encoded.ok()) return encoded.status();
  r.Body(*std::move(encoded),
         options_.wire == WireFormat::kProtobuf ? rest::kProtobufMediaType : rest::kJsonMediaType);
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, out);
}

absl::Status ResourceClient::Patch(absl::string_view name, PatchType type, absl::string_view data,
                                   const PatchOptions& options, Message* out,
                                   absl::string_view subresource) const {
  if (absl::Status s = NeedName(name, "patch"); !s.ok()) return s;
  if (subresource.empty()) {
    if (absl::Status s = CheckType(*out, kind_->descriptor, "patch's result"); !s.ok()) return s;
  }
  rest::Request r = Request("PATCH", ns_);
  r.Name(name);
  if (!subresource.empty()) r.SubResource(subresource);
  if (absl::Status s = ApplyPatchOptions(type, options, r); !s.ok()) return s;
  r.Body(std::string(data), PatchContentType(type));
  absl::StatusOr<rest::Result> result = r.Do();
  if (!result.ok()) return result.status();
  return DecodeInto(*result, out);
}

absl::StatusOr<std::string> ResourceClient::ApplyJson(const Message& object) const {
  if (absl::Status s = CheckType(object, kind_->descriptor, "the object"); !s.ok()) return s;
  const api::meta::v1::ObjectMeta* meta = MetadataOf(object);
  if (meta != nullptr && meta->managedfields_size() > 0) {
    // The server refuses an applied configuration that carries managedFields, which an object
    // read from it always does: apply what it says, not who owned it.
    std::unique_ptr<Message> copy(object.New());
    copy->CopyFrom(object);
    MutableMetadataOf(copy.get())->clear_managedfields();
    return api::MessageToJson(*copy, {.api_version = kind_->api_version, .kind = kind_->kind});
  }
  return api::MessageToJson(object, {.api_version = kind_->api_version, .kind = kind_->kind});
}

absl::Status ResourceClient::Delete(absl::string_view name, const DeleteOptions& options) const {
  if (absl::Status s = NeedName(name, "delete"); !s.ok()) return s;
  absl::StatusOr<std::string> body = DeleteOptionsJson(options);
  if (!body.ok()) return body.status();
  rest::Request r = Request("DELETE", ns_);
  r.Name(name).Body(*std::move(body), rest::kJsonMediaType);
  // The answer is a Status, or the object when deletion is only started (finalizers, grace):
  // neither is needed.
  absl::StatusOr<rest::Result> result = r.Do();
  return result.status();
}

absl::Status ResourceClient::DeleteCollection(const DeleteOptions& options,
                                              const ListOptions& list_options) const {
  absl::StatusOr<std::string> body = DeleteOptionsJson(options);
  if (!body.ok()) return body.status();
  rest::Request r = Request("DELETE", ns_);
  if (absl::Status s = ApplyListOptions(list_options, r); !s.ok()) return s;
  r.Body(*std::move(body), rest::kJsonMediaType);
  absl::StatusOr<rest::Result> result = r.Do();
  return result.status();
}

}  // namespace kube::typed
