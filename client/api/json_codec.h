// kube::api::JsonCodec — the Codec for application/json, in Kubernetes JSON (json_format.h).
//
// Encode writes "kind" and "apiVersion" first, as the apiserver does for top-level objects.
// Decode finds the kind from those members (a missing apiVersion counts as empty, which some
// discovery documents have); DecodeInto does not need them (items of a typed
// list carry none) but rejects a body that names another kind. Watch events are
// {"type": ..., "object": {...}} values.
//
// Unlike protobuf, members unknown to kubecpp are dropped on read.
//
// Immutable and thread-safe; the registry must outlive the codec.
#ifndef KUBECPP_CLIENT_API_JSON_CODEC_H_
#define KUBECPP_CLIENT_API_JSON_CODEC_H_

#include <string>

#include "client/api/codec.h"
#include "client/api/registry.h"

namespace kube::api {

inline constexpr absl::string_view kJsonContentType = "application/json";

class JsonCodec final : public Codec {
 public:
  explicit JsonCodec(const Registry& registry) : registry_(registry) {}

  absl::string_view content_type() const override;
  absl::StatusOr<std::string> Encode(const google::protobuf::Message& object) const override;
  absl::StatusOr<DecodedObject> Decode(absl::string_view body) const override;
  absl::Status DecodeInto(absl::string_view body, google::protobuf::Message* object) const override;
  absl::StatusOr<DecodedWatchEvent> DecodeWatchEvent(absl::string_view event) const override;

 private:
  const Registry& registry_;
};

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_JSON_CODEC_H_
