// Kubernetes JSON for protobuf messages: kube::api::MessageToJson and JsonToMessage.
//
// Where it sits: the codec layer (docs/architecture.md, "codec: bytes -> immutable object").
// json_codec.h adds kinds (apiVersion/kind) on top; this header converts one message.
//
// The conversion is driven by the message descriptors and kubecpp's options from
// client/api/json_options.proto, so it serves every generated API message:
//   - member names are the proto field names (the Kubernetes JSON names);
//   - a field marked json_inline contributes its members to the parent object;
//   - Time, MicroTime, Duration, Quantity, IntOrString, RawExtension/FieldsV1 (embedded JSON)
//     and Verbs have their Go forms (see JsonFormat);
//   - bytes are base64, maps are objects with sorted keys, int64 are JSON numbers;
//   - writing follows Go's omitempty: an unset field is omitted; a set scalar holding zero and
//     an empty list or map are omitted unless the field is json_keep_zero; a set message is
//     written (json_omit_zero drops it when it is all zeros).
//
// Reading accepts every document the apiserver writes: unknown members are skipped (and
// dropped: unlike protobuf, JSON unknowns do not survive a round trip), null means unset
// (for Time, MicroTime and embedded JSON it means "set to zero", as Go's value fields do),
// numbers must fit the field's integer type. Errors are InvalidArgument naming the JSON path
// ("spec.containers[0].ports[1].containerPort: ...").
//
// Thread-safe: all functions may be called concurrently (descriptor metadata is cached behind a
// mutex).
#ifndef KUBECPP_CLIENT_API_JSON_FORMAT_H_
#define KUBECPP_CLIENT_API_JSON_FORMAT_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/storage_ptr.hpp"
#include "boost/json/value.hpp"
#include "google/protobuf/message.h"

namespace kube::api {

// JsonTypeMeta: when non-empty, written first as "kind" and "apiVersion" (an object's TypeMeta,
// which protobuf messages do not carry).
struct JsonTypeMeta {
  absl::string_view api_version;
  absl::string_view kind;
};

// MessageToJson renders message as compact Kubernetes JSON. Fails (InvalidArgument) only when
// an embedded-JSON field (RawExtension, FieldsV1) does not hold valid JSON text.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message,
                                          const JsonTypeMeta& type_meta = {});

// AppendMessageJson is MessageToJson appending to *out (left unspecified on error).
absl::Status AppendMessageJson(const google::protobuf::Message& message,
                               const JsonTypeMeta& type_meta, std::string* out);

// JsonToMessage clears *message and fills it from a JSON document.
absl::Status JsonToMessage(absl::string_view json, google::protobuf::Message* message);

// JsonValueToMessage clears *message and fills it from parsed JSON.
absl::Status JsonValueToMessage(const boost::json::value& value,
                                google::protobuf::Message* message);

// ParseJson parses one JSON document with the limits the codecs use (nesting depth 256), its
// DOM allocated from `storage` (the default heap when empty).
absl::StatusOr<boost::json::value> ParseJson(absl::string_view json,
                                             boost::json::storage_ptr storage = {});

// JsonDocumentArena is where a document that only lives while one message is filled is parsed:
// a monotonic resource (one pointer bump per node, one release at the end; with the default
// allocator, building and destroying the DOM was a third of decoding a LIST page of pods)
// starting in a buffer inside it, so on the caller's stack. 32 KiB because a 4.8 KB pod with
// managedFields builds more than 16 KiB of nodes (//informers:list_decode_benchmark: with 16 KiB
// the streamed JSON LIST decode was 10% slower than a whole-body decode, with 32 KiB 2%).
// Larger documents spill into heap blocks.
//
//   JsonDocumentArena arena;
//   absl::StatusOr<boost::json::value> doc = ParseJson(text, &arena.resource);
struct JsonDocumentArena {
  alignas(std::max_align_t) unsigned char initial[32 << 10];
  boost::json::monotonic_resource resource{initial, sizeof(initial)};
};

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_JSON_FORMAT_H_
