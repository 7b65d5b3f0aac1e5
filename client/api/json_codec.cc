#include "client/api/json_codec.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "client/api/json_format.h"

namespace kube::api {
namespace {

namespace json = boost::json;

// TypeMetaOf reads "apiVersion" and "kind" of a JSON object; empty when absent.
struct TypeMetaView {
  absl::string_view api_version;
  absl::string_view kind;
};

TypeMetaView TypeMetaOf(const json::value& value) {
  TypeMetaView view;
  if (!value.is_object()) return view;
  const json::object& object = value.get_object();
  if (auto it = object.find("apiVersion"); it != object.end() && it->value().is_string()) {
    view.api_version =
        absl::string_view(it->value().get_string().data(), it->value().get_string().size());
  }
  if (auto it = object.find("kind"); it != object.end() && it->value().is_string()) {
    view.kind = absl::string_view(it->value().get_string().data(), it->value().get_string().size());
  }
  return view;
}

}  // namespace

absl::string_view JsonCodec::content_type() const { return kJsonContentType; }

absl::StatusOr<std::string> JsonCodec::Encode(const google::protobuf::Message& object) const {
  const KindInfo* kind = registry_.FindByMessage(object.GetDescriptor());
  if (kind == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no kind is registered for message ", object.GetDescriptor()->full_name()));
  }
  return MessageToJson(object, JsonTypeMeta{kind->api_version, kind->kind});
}

namespace {

// DecodeValue decodes a parsed body by the kind it names.
absl::StatusOr<DecodedObject> DecodeValue(const Registry& registry, const json::value& value) {
  if (!value.is_object()) return absl::InvalidArgumentError("a JSON object body is expected");
  TypeMetaView type_meta = TypeMetaOf(value);
  if (type_meta.kind.empty()) return absl::InvalidArgumentError("JSON body names no kind");
  const KindInfo* kind = registry.FindByKind(type_meta.api_version, type_meta.kind);
  if (kind == nullptr) {
    return absl::NotFoundError(absl::StrCat("no kind is registered for apiVersion \"",
                                            type_meta.api_version, "\", kind \"", type_meta.kind,
                                            "\""));
  }
  DecodedObject decoded;
  decoded.kind = kind;
  decoded.message.reset(kind->prototype->New());
  absl::Status status = JsonValueToMessage(value, decoded.message.get());
  if (!status.ok()) return status;
  return decoded;
}

}  // namespace

absl::StatusOr<DecodedObject> JsonCodec::Decode(absl::string_view body) const {
  JsonDocumentArena arena;
  absl::StatusOr<json::value> value = ParseJson(body, &arena.resource);
  if (!value.ok()) return value.status();
  return DecodeValue(registry_, *value);
}

absl::Status JsonCodec::DecodeInto(absl::string_view body,
                                   google::protobuf::Message* object) const {
  JsonDocumentArena arena;
  absl::StatusOr<json::value> value = ParseJson(body, &arena.resource);
  if (!value.ok()) return value.status();
  TypeMetaView type_meta = TypeMetaOf(*value);
  if (!type_meta.kind.empty()) {
    const KindInfo* kind = registry_.FindByKind(type_meta.api_version, type_meta.kind);
    if (kind == nullptr || kind->descriptor != object->GetDescriptor()) {
      const KindInfo* wanted = registry_.FindByMessage(object->GetDescriptor());
      return absl::InvalidArgumentError(
          absl::StrCat("body holds ", type_meta.api_version, " ", type_meta.kind, ", not ",
                       wanted != nullptr ? absl::StrCat(wanted->api_version, " ", wanted->kind)
                                         : object->GetDescriptor()->full_name()));
    }
  }
  return JsonValueToMessage(*value, object);
}

absl::StatusOr<DecodedWatchEvent> JsonCodec::DecodeWatchEvent(absl::string_view event) const {
  JsonDocumentArena arena;
  absl::StatusOr<json::value> value = ParseJson(event, &arena.resource);
  if (!value.ok()) return value.status();
  if (!value->is_object()) return absl::InvalidArgumentError("a watch event must be an object");
  const json::object& object = value->get_object();
  auto type_it = object.find("type");
  auto object_it = object.find("object");
  if (type_it == object.end() || !type_it->value().is_string() || object_it == object.end()) {
    return absl::InvalidArgumentError("a watch event needs \"type\" and \"object\"");
  }
  const json::string& type_name = type_it->value().get_string();
  absl::StatusOr<WatchEventType> type =
      ParseWatchEventType(absl::string_view(type_name.data(), type_name.size()));
  if (!type.ok()) return type.status();
  absl::StatusOr<DecodedObject> decoded = DecodeValue(registry_, object_it->value());
  if (!decoded.ok()) {
    return absl::Status(
        decoded.status().code(),
        absl::StrCat("watch event ", absl::string_view(type_name.data(), type_name.size()), ": ",
                     decoded.status().message()));
  }
  DecodedWatchEvent result;
  result.type = *type;
  result.object = *std::move(decoded);
  return result;
}

}  // namespace kube::api
