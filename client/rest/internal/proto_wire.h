// kube::rest::internal proto wire reading — the few protobuf messages client/rest must read
// (metav1.Status, metav1.WatchEvent, runtime.Unknown) without generated code.
//
// Messages are walked field by field with google::protobuf::io::CodedInputStream; unknown fields
// are skipped. Length-delimited values are returned as views into the input (no copy), so a
// watch event's raw object is handed out without copying it twice.
//
// Thread-safety: plain functions.
#ifndef KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_H_
#define KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::rest::internal {

// kProtobufMagic starts every protobuf-encoded Kubernetes object ("k8s\0").
inline constexpr absl::string_view kProtobufMagic{"k8s\0", 4};

enum class WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// ProtoField is one field of a message. `varint` holds varint and fixed values; `bytes` holds a
// length-delimited value and points into the message being walked.
struct ProtoField {
  int number = 0;
  WireType type = WireType::kVarint;
  uint64_t varint = 0;
  absl::string_view bytes;
};

// ForEachField calls `fn` for every field of `message` in wire order (groups are skipped).
// InvalidArgument when the wire data is malformed; `fn`'s first error stops the walk and is
// returned.
absl::Status ForEachField(absl::string_view message,
                          absl::FunctionRef<absl::Status(const ProtoField&)> fn);

// UnknownEnvelope is a decoded "k8s\0" + runtime.Unknown.
struct UnknownEnvelope {
  std::string api_version;
  std::string kind;
  absl::string_view raw;  // the object's own message; points into the input
  std::string content_encoding;
  std::string content_type;
};

// ParseUnknownEnvelope checks the magic and decodes the runtime.Unknown that follows it. The
// result's `raw` points into `body`, which must outlive it.
absl::StatusOr<UnknownEnvelope> ParseUnknownEnvelope(absl::string_view body);

}  // namespace kube::rest::internal

#endif  // KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_H_
