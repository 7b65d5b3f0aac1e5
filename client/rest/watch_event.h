// kube::rest::WatchEvent and WatchEventDecoder — a watch response body as a sequence of events.
//
// Where it sits: transport (body chunks) -> [framing: JsonValueSplitter or
// LengthPrefixedFrameReader] -> [event cutting: here] -> codec (decodes `object`). The decoder
// picks the framing from the response Content-Type, finds each event's type and keeps its object
// as raw bytes: the JSON text of "object" exactly as the server sent it, or for protobuf the
// WatchEvent's object.raw (the complete "k8s\0" + runtime.Unknown envelope). Decoding the object
// is the codec's job.
//
// Types are ADDED, MODIFIED, DELETED, BOOKMARK and ERROR; any other type is an error
// (InvalidArgument). An ERROR event's object is a metav1.Status: the decoder maps it with
// status.h, so `event.error` answers rest::IsExpired() for the 410 that ends a too-old watch.
//
// Thread-safety: WatchEventDecoder is not thread-safe (one stream, one decoder); the free
// functions are.
#ifndef KUBECPP_CLIENT_REST_WATCH_EVENT_H_
#define KUBECPP_CLIENT_REST_WATCH_EVENT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <variant>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/rest/frame_reader.h"
#include "client/rest/json_stream.h"

namespace kube::rest {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

// WatchEventTypeName is the wire name ("ADDED", ...).
absl::string_view WatchEventTypeName(WatchEventType type);
// ParseWatchEventType reads a wire name; InvalidArgument for anything else.
absl::StatusOr<WatchEventType> ParseWatchEventType(absl::string_view name);

// The encoding of a watch stream and of the objects in it.
enum class WireEncoding { kJson, kProtobuf };

// Media types of objects inside events.
inline constexpr absl::string_view kJsonMediaType = "application/json";
inline constexpr absl::string_view kProtobufMediaType = "application/vnd.kubernetes.protobuf";

// MediaTypeOf is the media type of an object in `encoding` (what a codec dispatches on).
absl::string_view MediaTypeOf(WireEncoding encoding);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  WireEncoding encoding = WireEncoding::kJson;
  // The object's bytes, undecoded: JSON text, or the "k8s\0" protobuf envelope.
  std::string object;
  // For kError: the Status the object holds, never OK (see status.h). OK for other types.
  absl::Status error;
};

// DecodeJsonWatchEvent cuts one JSON watch event `{"type": ..., "object": {...}}`. The object
// must be a JSON object; other members are ignored. DataLoss for malformed JSON framing.
absl::StatusOr<WatchEvent> DecodeJsonWatchEvent(absl::string_view value);

// DecodeProtobufWatchEvent cuts one protobuf meta/v1.WatchEvent {type = 1, object = 2
// (RawExtension, raw = 1)} (a frame's contents, without the length prefix).
absl::StatusOr<WatchEvent> DecodeProtobufWatchEvent(absl::string_view frame);

// WatchEncodingForContentType maps a watch response's Content-Type to its encoding:
// application/json (or empty) -> kJson; application/vnd.kubernetes.protobuf[;stream=watch] ->
// kProtobuf; anything else (CBOR, YAML, ...) -> Unimplemented.
absl::StatusOr<WireEncoding> WatchEncodingForContentType(absl::string_view content_type);

// WatchEventDecoder turns the chunks of one watch body into events.
class WatchEventDecoder {
 public:
  struct Options {
    // Cap on one event (a JSON value or a protobuf frame); larger fails ResourceExhausted.
    size_t max_event_bytes = size_t{16} << 20;
  };

  using EventCallback = absl::FunctionRef<absl::Status(WatchEvent event)>;

  explicit WatchEventDecoder(WireEncoding encoding, Options options);
  explicit WatchEventDecoder(WireEncoding encoding) : WatchEventDecoder(encoding, Options()) {}

  WireEncoding encoding() const { return encoding_; }

  // Feed consumes one chunk, calling `on_event` for each event completed by it. The first error
  // (framing, event, or from `on_event`) is sticky.
  absl::Status Feed(absl::string_view chunk, EventCallback on_event);

  // Finish ends the stream: DataLoss if it stopped inside an event.
  absl::Status Finish();

  // BufferedBytes is how many bytes of an unfinished event are held.
  size_t BufferedBytes() const;

 private:
  WireEncoding encoding_;
  std::variant<JsonValueSplitter, LengthPrefixedFrameReader> framer_;
};

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_WATCH_EVENT_H_
