// kube::api::Codec — turns request and response bodies into typed objects and back.
//
// Where it sits: between the rest layer (which frames bodies and watch streams) and everything
// that uses objects (docs/architecture.md, "codec: bytes -> immutable object"). Two
// implementations: ProtobufCodec (application/vnd.kubernetes.protobuf, the default for
// built-in kinds) and JsonCodec (application/json). Both resolve kinds through a Registry.
//
// Codecs are immutable after construction and thread-safe; they keep a reference to their
// registry, which must outlive them. Decoding never trusts its input: malformed bytes are an
// InvalidArgument status, never a crash.
#ifndef KUBECPP_CLIENT_API_CODEC_H_
#define KUBECPP_CLIENT_API_CODEC_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/registry.h"
#include "google/protobuf/message.h"

namespace kube::api {

// DecodedObject: a body decoded as the kind it names.
struct DecodedObject {
  const KindInfo* kind = nullptr;  // the registry's entry; never null on success
  std::unique_ptr<google::protobuf::Message> message;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

// ParseWatchEventType accepts exactly ADDED, MODIFIED, DELETED, BOOKMARK and ERROR.
absl::StatusOr<WatchEventType> ParseWatchEventType(absl::string_view name);
absl::string_view WatchEventTypeName(WatchEventType type);

// DecodedWatchEvent: one watch event with its object decoded. For kError the object is a
// meta/v1 Status.
struct DecodedWatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  DecodedObject object;
};

class Codec {
 public:
  virtual ~Codec() = default;

  // content_type is the media type of the bodies Encode writes.
  virtual absl::string_view content_type() const = 0;

  // Encode writes object as a body of its registered kind. NotFound when the message type is
  // not registered.
  virtual absl::StatusOr<std::string> Encode(const google::protobuf::Message& object) const = 0;

  // Decode reads a body of any registered kind. NotFound when the body names an unregistered
  // kind, InvalidArgument when it is malformed.
  virtual absl::StatusOr<DecodedObject> Decode(absl::string_view body) const = 0;

  // DecodeInto reads a body into *object (cleared first). InvalidArgument when the body names a
  // different kind than object's type.
  virtual absl::Status DecodeInto(absl::string_view body,
                                  google::protobuf::Message* object) const = 0;

  // DecodeWatchEvent reads one watch event: a length-prefix-free protobuf WatchEvent, or one JSON
  // value, as the rest layer's stream decoder splits them.
  virtual absl::StatusOr<DecodedWatchEvent> DecodeWatchEvent(absl::string_view event) const = 0;
};

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_CODEC_H_
