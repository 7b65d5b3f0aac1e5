// kube::informers::internal::RestListWatchCore — the type-independent half of RestListerWatcher:
// builds LIST/WATCH requests from ListOptions, decodes list bodies item by item as they stream in
// (the items' message type is known at run time), and adapts RestClient's pushed watch events into
// a bounded pull queue. RestListerWatcher<T> (rest_lister_watcher.h) adds the static type.
//
// Not a public API: use rest_lister_watcher.h.
#ifndef KUBECPP_INFORMERS_INTERNAL_REST_LIST_WATCH_H_
#define KUBECPP_INFORMERS_INTERNAL_REST_LIST_WATCH_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/api/codec.h"
#include "client/api/json_codec.h"
#include "client/api/protobuf_codec.h"
#include "client/api/registry.h"
#include "client/rest/rest_client.h"
#include "client/rest/watch_event.h"
#include "client/rest/watch_stream.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "informers/internal/object_arena.h"
#include "informers/list_watcher.h"

namespace kube::informers {

// WireFormat is what RestListerWatcher asks the apiserver for. kProtobuf sends
// `Accept: application/vnd.kubernetes.protobuf, application/json` (the server may still answer
// JSON, e.g. for CRDs); kJson asks for JSON only. Responses are decoded by their Content-Type.
enum class WireFormat { kProtobuf, kJson };

// RestListerWatcherOptions names the resource and how to talk about it.
struct RestListerWatcherOptions {
  std::string group;  // "" = core
  std::string version = "v1";
  std::string resource;  // plural: "configmaps"
  std::string ns;        // "" = all namespaces (or a cluster-scoped resource)
  WireFormat format = WireFormat::kProtobuf;
  // Registry the codecs resolve kinds in; null = api::DefaultRegistry(). Must outlive the
  // lister-watcher.
  const api::Registry* registry = nullptr;
  // Undecoded watch events held between the I/O thread and the reflector. When full, the watch
  // is paused (the transport stops reading: TCP back-pressure) until it has drained to half.
  size_t watch_queue_capacity = 256;
  // Bound on one LIST page request. The reflector's Stop() also ends a LIST in flight at once
  // (ListOptions::cancel).
  absl::Duration list_timeout = absl::Minutes(1);
  // Ask for metadata only: LIST with `Accept: ...;as=PartialObjectMetadataList;g=meta.k8s.io;
  // v=v1` and WATCH with `as=PartialObjectMetadata` (protobuf, or JSON for kJson), with no plain
  // fallback, so a server that cannot convert answers 406 instead of full objects. Set
  // automatically by RestListerWatcher<meta::v1::PartialObjectMetadata>; works for any resource,
  // including ones without a generated type.
  bool metadata_only = false;
};

namespace internal {

// DecodedList is what List returns besides the items.
struct DecodedList {
  std::string resource_version;
  std::string continue_token;
};

// WatchQueue is the bounded hand-over from a rest::WatchStream (push, I/O thread) to
// WatchStream<T>::Next (pull, reflector thread).
class WatchQueue final : public rest::WatchHandler {
 public:
  explicit WatchQueue(size_t capacity) : capacity_(capacity < 2 ? 2 : capacity) {}

  // SetCall hands over the running call (once, right after RestClient's Watch returned).
  void SetCall(std::shared_ptr<rest::WatchCall> call);

  // rest::WatchHandler (I/O thread or a Resume()/Stop() caller; never overlapping).
  bool OnEvent(rest::WatchEvent event) override;
  void OnEnd(const absl::Status& status) override;

  // Next blocks for the next raw event; nullopt after a clean end (server timeout, Close());
  // the transport's or stream's error otherwise.
  absl::StatusOr<std::optional<rest::WatchEvent>> Next();
  // Close stops the call; a blocked or later Next returns nullopt. Idempotent, any thread.
  void Close();

  // For tests: how often the queue paused the stream.
  int64_t pauses() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::shared_ptr<rest::WatchCall> call_ ABSL_GUARDED_BY(mu_);
  std::deque<rest::WatchEvent> queue_ ABSL_GUARDED_BY(mu_);
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
  int64_t pauses_ ABSL_GUARDED_BY(mu_) = 0;
};

// DecodedObject is a decoded LIST item or watch event object: immutable, shared, on its own arena.
using DecodedObject = std::shared_ptr<const google::protobuf::Message>;

class RestListWatchCore {
 public:
  RestListWatchCore(std::shared_ptr<rest::RestClient> client, RestListerWatcherOptions options);

  // List sends one LIST with every non-empty ListOptions field as a query parameter and hands
  // each item, in order, to `sink` (decoded on its own arena, DecodeOnOwnArena), then returns the
  // list's resourceVersion and continue token. InvalidArgument when the body is not a list of
  // `item_type`. The body is decoded as it arrives, by the decoder of its Content-Type
  // (ProtoListStreamDecoder or JsonListStreamDecoder): each item is decoded and handed to `sink`
  // as soon as its bytes are in, and at most one item's bytes plus the chunk being read are held,
  // never the whole body or list. On an error, items already handed to `sink` belong to a failed
  // list and must be dropped (the Reflector drops the whole page).
  absl::StatusOr<DecodedList> List(const ListOptions& options,
                                   const google::protobuf::Descriptor* item_type,
                                   absl::FunctionRef<void(DecodedObject)> sink) const;

  // Watch opens a watch with every non-empty ListOptions field as a query parameter.
  absl::StatusOr<std::shared_ptr<WatchQueue>> Watch(const ListOptions& options) const;

  // Decode decodes a watch event's object, a `prototype` message, with the codec of its encoding
  // (on its own arena, DecodeOnOwnArena).
  absl::StatusOr<DecodedObject> Decode(const rest::WatchEvent& event,
                                       const google::protobuf::Message& prototype) const;

  const RestListerWatcherOptions& options() const { return options_; }

 private:
  rest::Request NewRequest(const ListOptions& options, bool watch) const;

  const std::shared_ptr<rest::RestClient> client_;
  const RestListerWatcherOptions options_;
  const api::ProtobufCodec protobuf_codec_;
  const api::JsonCodec json_codec_;
  // First-block sizes of decoded objects' arenas, learned per encoding (sizes differ by wire).
  mutable ArenaSizer protobuf_arena_sizer_;
  mutable ArenaSizer json_arena_sizer_;
};

}  // namespace internal
}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_INTERNAL_REST_LIST_WATCH_H_
