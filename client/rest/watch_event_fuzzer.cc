// libFuzzer target for the watch event decoders and the Status parsers they use
// (docs/fuzzing.md). Input: byte 0 picks the encoding (low bit) and the chunking, the rest is a
// watch stream, also decoded as a single event and as a Status. Checks:
//   - WatchEventDecoder yields the same events and status code whether fed whole or in chunks,
//     and an event is ERROR exactly when it carries an error;
//   - DecodeJsonWatchEvent agrees with boost::json on every document boost accepts: it succeeds
//     exactly when "type" is a watch event type and "object" an object, with the same values;
//   - DecodeProtobufWatchEvent agrees with libprotobuf's parse of meta/v1 WatchEvent whenever it
//     succeeds (same type, same object bytes, as Go's merge of repeated fields gives them);
//   - a parsed Status survives ApiStatusToJson and ParseApiStatusJson unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/chunks.h"
#include "base/fuzzing/fuzz_check.h"
#include "boost/json.hpp"
#include "client/api/meta/v1/options.pb.h"
#include "client/rest/status.h"
#include "client/rest/watch_event.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::rest::ApiStatus;
using kube::rest::WatchEvent;
using kube::rest::WatchEventDecoder;
using kube::rest::WatchEventType;
using kube::rest::WireEncoding;

struct Result {
  absl::Status status;
  std::vector<std::string> events;  // "TYPE error-code object"
};

Result Decode(WireEncoding encoding, const std::vector<absl::string_view>& chunks) {
  Result result;
  WatchEventDecoder decoder(encoding, {.max_event_bytes = 1 << 16});
  for (absl::string_view chunk : chunks) {
    result.status = decoder.Feed(chunk, [&result](WatchEvent event) {
      FuzzCheck((event.type == WatchEventType::kError) == !event.error.ok(),
                "an event is ERROR but carries no error, or the other way round", event.object);
      result.events.push_back(absl::StrCat(kube::rest::WatchEventTypeName(event.type), " ",
                                           static_cast<int>(event.error.code()), " ",
                                           event.object));
      return absl::OkStatus();
    });
    if (!result.status.ok()) return result;
  }
  result.status = decoder.Finish();
  return result;
}

bool IsEventType(absl::string_view name) { return kube::rest::ParseWatchEventType(name).ok(); }

void CheckJsonEventAgainstBoost(absl::string_view input) {
  absl::StatusOr<WatchEvent> event = kube::rest::DecodeJsonWatchEvent(input);
  boost::json::parse_options options;
  options.max_depth = 1 << 20;
  boost::system::error_code error;
  boost::json::value doc =
      boost::json::parse(boost::json::string_view(input.data(), input.size()), error, {}, options);
  if (error || !doc.is_object()) return;
  const boost::json::object& members = doc.get_object();
  const boost::json::value* type = members.if_contains("type");
  const boost::json::value* object = members.if_contains("object");
  const bool valid = type != nullptr && type->is_string() &&
                     IsEventType(std::string(type->get_string())) && object != nullptr &&
                     object->is_object();
  FuzzCheck(event.ok() == valid, "DecodeJsonWatchEvent disagrees with boost::json on a document",
            input, event.status().ToString());
  if (!valid) return;
  FuzzCheck(kube::rest::WatchEventTypeName(event->type) == std::string(type->get_string()),
            "DecodeJsonWatchEvent read another type", input);
  boost::system::error_code object_error;
  boost::json::value decoded_object =
      boost::json::parse(boost::json::string_view(event->object.data(), event->object.size()),
                         object_error, {}, options);
  FuzzCheck(!object_error && decoded_object == *object, "DecodeJsonWatchEvent cut another object",
            input, event->object);
}

void CheckProtobufEventAgainstLibprotobuf(absl::string_view input) {
  absl::StatusOr<WatchEvent> event = kube::rest::DecodeProtobufWatchEvent(input);
  if (!event.ok()) return;
  kube::api::meta::v1::WatchEvent parsed;
  FuzzCheck(parsed.ParseFromArray(input.data(), static_cast<int>(input.size())),
            "DecodeProtobufWatchEvent accepts what libprotobuf rejects", input);
  FuzzCheck(parsed.type() == kube::rest::WatchEventTypeName(event->type),
            "DecodeProtobufWatchEvent read another type", input, parsed.type());
  FuzzCheck(parsed.object().raw() == event->object, "DecodeProtobufWatchEvent read another object",
            input, parsed.object().raw());
}

void CheckStatusRoundTrip(const absl::StatusOr<ApiStatus>& status, absl::string_view input) {
  if (!status.ok()) {
    FuzzCheck(!status.status().message().empty(), "a Status parse error has no message", input);
    return;
  }
  const std::string json = kube::rest::ApiStatusToJson(*status);
  absl::StatusOr<ApiStatus> again = kube::rest::ParseApiStatusJson(json);
  FuzzCheck(again.ok(), "ApiStatusToJson wrote what ParseApiStatusJson rejects", input, json);
  FuzzCheck(*again == *status, "a Status changed through ApiStatusToJson", input, json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const WireEncoding encoding = data[0] & 1 ? WireEncoding::kProtobuf : WireEncoding::kJson;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Result whole = Decode(encoding, {stream});
  const Result chunked = Decode(encoding, kube::fuzzing::Chunks(stream, data[0]));
  FuzzCheck(whole.status.code() == chunked.status.code(), "chunking changed the outcome",
            whole.status.ToString(), chunked.status.ToString());
  FuzzCheck(whole.events == chunked.events, "chunking changed the events", stream);

  if (encoding == WireEncoding::kJson) {
    CheckJsonEventAgainstBoost(stream);
    CheckStatusRoundTrip(kube::rest::ParseApiStatusJson(stream), stream);
  } else {
    CheckProtobufEventAgainstLibprotobuf(stream);
    CheckStatusRoundTrip(kube::rest::ParseApiStatusProtobuf(stream), stream);
  }
  return 0;
}
