// kube::api::ProtobufCodec — the Codec for application/vnd.kubernetes.protobuf.
//
// Bodies are "k8s\0" + runtime.Unknown (protobuf_envelope.h) around the object's message; a list
// is one envelope around the whole XList. Watch events are raw meta/v1 WatchEvent messages
// whose object.raw holds a full envelope.
//
// Fields unknown to kubecpp's .proto files are kept by the generated messages and written back
// by Encode, so a read-modify-write through this codec preserves them.
//
// Immutable and thread-safe; the registry must outlive the codec.
#ifndef KUBECPP_CLIENT_API_PROTOBUF_CODEC_H_
#define KUBECPP_CLIENT_API_PROTOBUF_CODEC_H_

#include <string>

#include "client/api/codec.h"
#include "client/api/registry.h"

namespace kube::api {

class ProtobufCodec final : public Codec {
 public:
  explicit ProtobufCodec(const Registry& registry) : registry_(registry) {}

  absl::string_view content_type() const override;
  absl::StatusOr<std::string> Encode(const google::protobuf::Message& object) const override;
  absl::StatusOr<DecodedObject> Decode(absl::string_view body) const override;
  absl::Status DecodeInto(absl::string_view body, google::protobuf::Message* object) const override;
  absl::StatusOr<DecodedWatchEvent> DecodeWatchEvent(absl::string_view event) const override;

 private:
  const Registry& registry_;
};

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_PROTOBUF_CODEC_H_
