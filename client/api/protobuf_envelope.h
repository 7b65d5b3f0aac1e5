// The envelope around every protobuf body of the apiserver: the four bytes "k8s\0" followed by
// a runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType} whose raw
// holds the object's own message. Objects carry no TypeMeta: the GVK travels only here.
//
// Where it sits: used by ProtobufCodec (protobuf_codec.h); exposed for the rest layer and tests
// that need the GVK of a body without decoding it. Pure functions, thread-safe.
#ifndef KUBECPP_CLIENT_API_PROTOBUF_ENVELOPE_H_
#define KUBECPP_CLIENT_API_PROTOBUF_ENVELOPE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::api {

// The magic prefix of every protobuf body.
inline constexpr absl::string_view kProtobufMagic{"k8s\0", 4};

// The media type of protobuf bodies, and of protobuf watch streams.
inline constexpr absl::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";
inline constexpr absl::string_view kProtobufWatchContentType =
    "application/vnd.kubernetes.protobuf;stream=watch";

// ProtobufEnvelope is the content of an envelope.
struct ProtobufEnvelope {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "Deployment"
  std::string raw;          // the object's serialized message
};

// WrapProtobuf returns magic + Unknown{typeMeta, raw, contentEncoding "", contentType ""}.
std::string WrapProtobuf(absl::string_view api_version, absl::string_view kind,
                         absl::string_view raw);

// UnwrapProtobuf checks the magic and parses the Unknown. InvalidArgument for a wrong magic, a
// malformed Unknown, a missing kind; Unimplemented for a content encoding other than none.
absl::StatusOr<ProtobufEnvelope> UnwrapProtobuf(absl::string_view body);

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_PROTOBUF_ENVELOPE_H_
