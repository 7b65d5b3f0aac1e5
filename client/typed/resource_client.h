// kube::typed::ResourceClient — the type-independent half of the typed clients: every verb on
// one resource of one kind, with objects as google::protobuf::Message.
//
// Where it sits: rest::RestClient (requests, retries, Status mapping, watch framing) +
// api codecs + api::Registry (which kind, which path) -> *ResourceClient* -> TypedClient<T, L>
// (typed_client.h), which adds the static types. Tools that pick the kind at run time
// (`kubecpp get pods`) use ResourceClient directly with messages from the kind's prototype.
//
// Paths: /api/v1 or /apis/<group>/<version>, then /namespaces/<ns> for namespaced kinds, then
// the resource's plural, the name and a subresource. The client's namespace is used; when it is
// empty, writes of a namespaced kind go to the object's metadata.namespace, and List, Watch and
// DeleteCollection span all namespaces. Cluster-scoped kinds never get a namespace segment.
//
// Wire (ClientOptions::wire): kProtobuf sends protobuf bodies and `Accept:
// application/vnd.kubernetes.protobuf, application/json`; kJson is JSON both ways. Responses are
// decoded by their Content-Type, and must be of the expected kind (InvalidArgument otherwise).
// Patch bodies are the caller's JSON (or YAML for apply) with the patch media type.
//
// Errors: the absl::Status of client/rest (status.h) with the apiserver's Status attached;
// test them with rest::IsNotFound, rest::IsConflict, ... Bad arguments (no name, a malformed
// selector, a message of the wrong type) are InvalidArgument before anything is sent.
//
// Thread-safety: immutable after Create; share and copy freely. The RestClient is shared.
#ifndef KUBECPP_CLIENT_TYPED_RESOURCE_CLIENT_H_
#define KUBECPP_CLIENT_TYPED_RESOURCE_CLIENT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/codec.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/registry.h"
#include "client/rest/rest_client.h"
#include "client/rest/watch_event.h"
#include "client/typed/options.h"
#include "client/typed/watch.h"
#include "google/protobuf/message.h"

namespace kube::typed {

struct ClientOptions {
  WireFormat wire = WireFormat::kProtobuf;
  // The registry kinds are resolved in; null = api::DefaultRegistry(). Must outlive the clients.
  const api::Registry* registry = nullptr;
  // Undecoded watch events buffered per watch before the stream is paused.
  size_t watch_queue_capacity = 256;
};

class ResourceClient {
 public:
  // Create checks that `kind` is a resource kind of the registry (InvalidArgument otherwise).
  static absl::StatusOr<ResourceClient> Create(std::shared_ptr<rest::RestClient> client,
                                               const api::KindInfo* kind, std::string ns,
                                               ClientOptions options = {});

  // InNamespace is this client for namespace `ns` (ignored for cluster-scoped kinds).
  ResourceClient InNamespace(std::string ns) const {
    ResourceClient copy = *this;
    copy.ns_ = kind_->namespaced ? std::move(ns) : "";
    return copy;
  }

  const api::KindInfo& kind() const { return *kind_; }
  const std::string& ns() const { return ns_; }
  const ClientOptions& options() const { return options_; }
  const api::Registry& registry() const { return *options_.registry; }

  // Get reads one object (or `subresource` of it, e.g. "scale", into a message of that type).
  absl::Status Get(absl::string_view name, const GetOptions& options,
                   google::protobuf::Message* out, absl::string_view subresource = "") const;
  // List reads one page into `list` (the kind's XList message).
  absl::Status List(const ListOptions& options, google::protobuf::Message* list) const;
  // ListAll follows `continue` tokens from `options` on and appends every page's items to
  // `list`; the list metadata is the first page's (its resourceVersion is the snapshot every
  // page was served from) with an empty continue token.
  absl::Status ListAll(ListOptions options, google::protobuf::Message* list) const;
  // Watch starts a watch; the queue's events are undecoded (see DecodeEvent).
  absl::StatusOr<std::shared_ptr<WatchQueue>> Watch(const ListOptions& options) const;
  absl::Status DecodeEvent(const rest::WatchEvent& event, google::protobuf::Message* out) const;

  // Create posts `object`; `out` receives the server's copy.
  absl::Status Create(const google::protobuf::Message& object, const CreateOptions& options,
                      google::protobuf::Message* out) const;
  // Update puts `object` (named by its metadata.name) or, with `subresource`, its subresource
  // ("status"). A stale metadata.resourceVersion fails with rest::IsConflict.
  absl::Status Update(const google::protobuf::Message& object, const UpdateOptions& options,
                      google::protobuf::Message* out, absl::string_view subresource = "") const;
  // UpdateSubresource puts `body` (e.g. an autoscaling/v1 Scale) to name/subresource.
  absl::Status UpdateSubresource(absl::string_view name, absl::string_view subresource,
                                 const google::protobuf::Message& body,
                                 const UpdateOptions& options,
                                 google::protobuf::Message* out) const;
  // Patch sends `data` as a patch of `type`; `out` receives the patched object.
  absl::Status Patch(absl::string_view name, PatchType type, absl::string_view data,
                     const PatchOptions& options, google::protobuf::Message* out,
                     absl::string_view subresource = "") const;
  // ApplyJson is the server-side apply body for `object`: its JSON with apiVersion and kind,
  // without metadata.managedFields (which the server refuses in an applied configuration).
  absl::StatusOr<std::string> ApplyJson(const google::protobuf::Message& object) const;
  // Delete removes one object. OK also when the server only marked it (finalizers, grace).
  absl::Status Delete(absl::string_view name, const DeleteOptions& options) const;
  // DeleteCollection removes every object `list_options` selects.
  absl::Status DeleteCollection(const DeleteOptions& options,
                                const ListOptions& list_options) const;

 private:
  ResourceClient(std::shared_ptr<rest::RestClient> client, const api::KindInfo* kind,
                 std::string ns, ClientOptions options)
      : client_(std::move(client)), kind_(kind), ns_(std::move(ns)), options_(options) {}

  // Request starts a request of `verb` on the resource in namespace `ns`.
  rest::Request Request(absl::string_view verb, absl::string_view ns) const;
  // NamespaceFor picks the namespace of a write of `object`.
  std::string NamespaceFor(const google::protobuf::Message& object) const;
  absl::StatusOr<std::string> Encode(const google::protobuf::Message& object) const;
  absl::Status DecodeInto(const rest::Result& result, google::protobuf::Message* out) const;
  const api::Codec& CodecFor(absl::string_view content_type) const;
  absl::Status CheckType(const google::protobuf::Message& message,
                         const google::protobuf::Descriptor* want, absl::string_view what) const;

  std::shared_ptr<rest::RestClient> client_;
  const api::KindInfo* kind_;
  const api::KindInfo* list_kind_ = nullptr;
  std::string ns_;
  ClientOptions options_;
  std::shared_ptr<const api::Codec> protobuf_codec_;
  std::shared_ptr<const api::Codec> json_codec_;
};

// MetadataOf returns the ObjectMeta of an object message (its `metadata` field), or null for a
// message without one.
const api::meta::v1::ObjectMeta* MetadataOf(const google::protobuf::Message& object);
api::meta::v1::ObjectMeta* MutableMetadataOf(google::protobuf::Message* object);

}  // namespace kube::typed

#endif  // KUBECPP_CLIENT_TYPED_RESOURCE_CLIENT_H_
