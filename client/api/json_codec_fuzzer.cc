// libFuzzer target for Kubernetes JSON decoding (json_format.h, JsonCodec; docs/fuzzing.md).
// The input is decoded three ways: into a Pod (JsonToMessage), as whatever registered kind it
// names (JsonCodec::Decode), and as a watch event. Checks:
//   - failures are clear statuses (InvalidArgument with a message; NotFound for an unknown kind);
//   - what decoded re-encodes (or fails InvalidArgument), and decode-encode is a fixpoint: the
//     JSON written from a decoded document decodes to an object that writes the same bytes;
//   - the protobuf form of a decoded object carries everything its JSON does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/api/builtin_kinds.h"
#include "client/api/codec.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/json_format.h"
#include "google/protobuf/message.h"

namespace {

using kube::fuzzing::FuzzCheck;
namespace api = kube::api;

void CheckClearFailure(const absl::Status& status, absl::string_view input, bool kinds) {
  const bool expected = absl::IsInvalidArgument(status) ||
                        (kinds && (absl::IsNotFound(status) || absl::IsUnimplemented(status)));
  FuzzCheck(expected && !status.message().empty(), "a decode failure is not a clear status", input,
            status.ToString());
}

// CheckJsonFixpoint: `message` was decoded from JSON; what it writes must decode to a message
// writing the same bytes, and survive the protobuf wire unchanged.
void CheckJsonFixpoint(const google::protobuf::Message& message, absl::string_view input) {
  absl::StatusOr<std::string> written = api::MessageToJson(message);
  if (!written.ok()) {
    FuzzCheck(absl::IsInvalidArgument(written.status()), "MessageToJson failed unclearly", input,
              written.status().ToString());
    return;
  }
  std::unique_ptr<google::protobuf::Message> again(message.New());
  absl::Status status = api::JsonToMessage(*written, again.get());
  FuzzCheck(status.ok(), "the JSON written from a decoded document does not decode", *written,
            status.ToString());
  absl::StatusOr<std::string> rewritten = api::MessageToJson(*again);
  FuzzCheck(rewritten.ok() && *rewritten == *written, "decode-encode of JSON is not a fixpoint",
            *written, rewritten.ok() ? *rewritten : rewritten.status().ToString());

  std::unique_ptr<google::protobuf::Message> wire(message.New());
  FuzzCheck(wire->ParseFromString(message.SerializeAsString()),
            "a decoded message does not survive protobuf", input);
  absl::StatusOr<std::string> from_wire = api::MessageToJson(*wire);
  FuzzCheck(from_wire.ok() && *from_wire == *written, "protobuf lost part of a decoded message",
            *written, from_wire.ok() ? *from_wire : from_wire.status().ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  static const api::JsonCodec* const codec = new api::JsonCodec(api::DefaultRegistry());

  api::core::v1::Pod pod;
  absl::Status status = api::JsonToMessage(input, &pod);
  if (status.ok()) {
    CheckJsonFixpoint(pod, input);
  } else {
    CheckClearFailure(status, input, /*kinds=*/false);
  }

  absl::StatusOr<api::DecodedObject> object = codec->Decode(input);
  if (object.ok()) {
    FuzzCheck(object->kind != nullptr && object->message != nullptr, "Decode gave no object",
              input);
    CheckJsonFixpoint(*object->message, input);
    absl::StatusOr<std::string> body = codec->Encode(*object->message);
    if (body.ok()) {
      absl::StatusOr<api::DecodedObject> again = codec->Decode(*body);
      // The same message type; the kind entry may differ where a message has several (a body
      // without apiVersion decodes as the "" entry of APIResourceList, which is written as "v1").
      FuzzCheck(again.ok() && again->kind->descriptor == object->kind->descriptor,
                "an encoded object does not decode as its kind", *body,
                again.ok() ? again->kind->kind : again.status().ToString());
    } else {
      FuzzCheck(absl::IsInvalidArgument(body.status()), "Encode failed unclearly", input,
                body.status().ToString());
    }
  } else {
    CheckClearFailure(object.status(), input, /*kinds=*/true);
  }

  absl::StatusOr<api::DecodedWatchEvent> event = codec->DecodeWatchEvent(input);
  if (event.ok()) {
    FuzzCheck(event->object.message != nullptr, "a watch event without an object", input);
    CheckJsonFixpoint(*event->object.message, input);
  } else {
    CheckClearFailure(event.status(), input, /*kinds=*/true);
  }
  return 0;
}
