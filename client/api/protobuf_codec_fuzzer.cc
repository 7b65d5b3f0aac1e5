// libFuzzer target for the protobuf envelope and ProtobufCodec (docs/fuzzing.md). The input is
// read as a body ("k8s\0" + runtime.Unknown), into a Pod, and as a watch event. Checks:
//   - failures are clear statuses (InvalidArgument, NotFound for an unknown kind, Unimplemented
//     for a content encoding);
//   - an envelope re-wraps to one with the same type and raw bytes;
//   - a decoded object re-encodes, and encode-decode-encode gives the same bytes (unknown fields
//     included);
//   - a decoded object's Kubernetes JSON is valid JSON (or a clear InvalidArgument), and reading
//     it back reaches a fixpoint after one round.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/api/builtin_kinds.h"
#include "client/api/codec.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_format.h"
#include "client/api/protobuf_codec.h"
#include "client/api/protobuf_envelope.h"
#include "google/protobuf/message.h"

namespace {

using kube::fuzzing::FuzzCheck;
namespace api = kube::api;

void CheckClearFailure(const absl::Status& status, absl::string_view input) {
  const bool expected =
      absl::IsInvalidArgument(status) || absl::IsNotFound(status) || absl::IsUnimplemented(status);
  FuzzCheck(expected && !status.message().empty(), "a decode failure is not a clear status", input,
            status.ToString());
}

// CheckJson: the JSON of a message read from protobuf is JSON, reads back, and is stable after
// one round (the first may normalize: Time drops nanoseconds, IntOrString picks one form).
void CheckJson(const google::protobuf::Message& message, absl::string_view input) {
  absl::StatusOr<std::string> first = api::MessageToJson(message);
  if (!first.ok()) {
    FuzzCheck(absl::IsInvalidArgument(first.status()), "MessageToJson failed unclearly", input,
              first.status().ToString());
    return;
  }
  FuzzCheck(api::ParseJson(*first).ok(), "MessageToJson wrote invalid JSON", *first);
  std::unique_ptr<google::protobuf::Message> read(message.New());
  absl::Status status = api::JsonToMessage(*first, read.get());
  FuzzCheck(status.ok(), "the JSON of a protobuf object does not read back", *first,
            status.ToString());
  absl::StatusOr<std::string> second = api::MessageToJson(*read);
  FuzzCheck(second.ok(), "the JSON of a re-read object does not write", *first,
            second.status().ToString());
  std::unique_ptr<google::protobuf::Message> reread(message.New());
  FuzzCheck(api::JsonToMessage(*second, reread.get()).ok(), "second JSON round fails", *second);
  absl::StatusOr<std::string> third = api::MessageToJson(*reread);
  FuzzCheck(third.ok() && *third == *second, "JSON is not stable after one round", *second,
            third.ok() ? *third : third.status().ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  static const api::ProtobufCodec* const codec = new api::ProtobufCodec(api::DefaultRegistry());

  absl::StatusOr<api::ProtobufEnvelope> envelope = api::UnwrapProtobuf(input);
  if (envelope.ok()) {
    const std::string wrapped =
        api::WrapProtobuf(envelope->api_version, envelope->kind, envelope->raw);
    absl::StatusOr<api::ProtobufEnvelope> again = api::UnwrapProtobuf(wrapped);
    FuzzCheck(again.ok() && again->api_version == envelope->api_version &&
                  again->kind == envelope->kind && again->raw == envelope->raw,
              "an envelope does not survive re-wrapping", input, wrapped);
  } else {
    CheckClearFailure(envelope.status(), input);
  }

  absl::StatusOr<api::DecodedObject> object = codec->Decode(input);
  if (object.ok()) {
    FuzzCheck(object->kind != nullptr && object->message != nullptr, "Decode gave no object",
              input);
    absl::StatusOr<std::string> body = codec->Encode(*object->message);
    FuzzCheck(body.ok(), "a decoded object does not encode", input, body.status().ToString());
    absl::StatusOr<api::DecodedObject> again = codec->Decode(*body);
    // The same message type; the kind entry may differ where a message has several (a body
    // without apiVersion decodes as the "" entry of APIResourceList, which is written as "v1").
    FuzzCheck(again.ok() && again->kind->descriptor == object->kind->descriptor,
              "an encoded object does not decode as its kind", *body,
              again.ok() ? again->kind->kind : again.status().ToString());
    absl::StatusOr<std::string> body_again = codec->Encode(*again->message);
    FuzzCheck(body_again.ok() && *body_again == *body, "encode-decode-encode changed the bytes",
              *body, body_again.ok() ? *body_again : body_again.status().ToString());
    CheckJson(*object->message, input);
  } else {
    CheckClearFailure(object.status(), input);
  }

  api::core::v1::Pod pod;
  absl::Status status = codec->DecodeInto(input, &pod);
  if (!status.ok()) CheckClearFailure(status, input);

  absl::StatusOr<api::DecodedWatchEvent> event = codec->DecodeWatchEvent(input);
  if (event.ok()) {
    FuzzCheck(event->object.message != nullptr, "a watch event without an object", input);
    CheckJson(*event->object.message, input);
  } else {
    CheckClearFailure(event.status(), input);
  }
  return 0;
}
