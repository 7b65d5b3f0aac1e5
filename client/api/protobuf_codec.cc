#include "client/api/protobuf_codec.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/api/meta/v1/options.pb.h"
#include "client/api/protobuf_envelope.h"
#include "client/api/protobuf_parse.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

// Every message is read with ParseWithoutEmptyStrings (protobuf_parse.h): empty omitempty
// strings are left unset, so objects read from protobuf match the same objects read from JSON.
namespace kube::api {

absl::string_view ProtobufCodec::content_type() const { return kProtobufContentType; }

absl::StatusOr<std::string> ProtobufCodec::Encode(const google::protobuf::Message& object) const {
  const KindInfo* kind = registry_.FindByMessage(object.GetDescriptor());
  if (kind == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no kind is registered for message ", object.GetDescriptor()->full_name()));
  }
  // Deterministic: map entries sorted, so equal objects give equal bytes.
  std::string raw;
  {
    google::protobuf::io::StringOutputStream stream(&raw);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!object.SerializeToCodedStream(&coded)) {
      return absl::InternalError(absl::StrCat("cannot serialize ", kind->kind));
    }
  }
  return WrapProtobuf(kind->api_version, kind->kind, raw);
}

absl::StatusOr<DecodedObject> ProtobufCodec::Decode(absl::string_view body) const {
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(body);
  if (!envelope.ok()) return envelope.status();
  const KindInfo* kind = registry_.FindByKind(envelope->api_version, envelope->kind);
  if (kind == nullptr) {
    return absl::NotFoundError(absl::StrCat("no kind is registered for apiVersion \"",
                                            envelope->api_version, "\", kind \"", envelope->kind,
                                            "\""));
  }
  DecodedObject decoded;
  decoded.kind = kind;
  decoded.message.reset(kind->prototype->New());
  if (!ParseWithoutEmptyStrings(envelope->raw, decoded.message.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed protobuf ", kind->api_version, " ", kind->kind));
  }
  return decoded;
}

absl::Status ProtobufCodec::DecodeInto(absl::string_view body,
                                       google::protobuf::Message* object) const {
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(body);
  if (!envelope.ok()) return envelope.status();
  const KindInfo* kind = registry_.FindByKind(envelope->api_version, envelope->kind);
  if (kind == nullptr || kind->descriptor != object->GetDescriptor()) {
    const KindInfo* wanted = registry_.FindByMessage(object->GetDescriptor());
    return absl::InvalidArgumentError(
        absl::StrCat("body holds ", envelope->api_version, " ", envelope->kind, ", not ",
                     wanted != nullptr ? absl::StrCat(wanted->api_version, " ", wanted->kind)
                                       : object->GetDescriptor()->full_name()));
  }
  if (!ParseWithoutEmptyStrings(envelope->raw, object)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed protobuf ", kind->api_version, " ", kind->kind));
  }
  return absl::OkStatus();
}

absl::StatusOr<DecodedWatchEvent> ProtobufCodec::DecodeWatchEvent(absl::string_view event) const {
  meta::v1::WatchEvent frame;
  if (!ParseWithoutEmptyStrings(event, &frame)) {
    return absl::InvalidArgumentError("malformed protobuf watch event");
  }
  absl::StatusOr<WatchEventType> type = ParseWatchEventType(frame.type());
  if (!type.ok()) return type.status();
  absl::StatusOr<DecodedObject> object = Decode(frame.object().raw());
  if (!object.ok()) {
    return absl::Status(object.status().code(), absl::StrCat("watch event ", frame.type(), ": ",
                                                             object.status().message()));
  }
  DecodedWatchEvent decoded;
  decoded.type = *type;
  decoded.object = *std::move(object);
  return decoded;
}

}  // namespace kube::api
