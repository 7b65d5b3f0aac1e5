// kube::api::Registry — which protobuf message is which Kubernetes kind.
//
// Where it sits: the codecs (protobuf_codec.h, json_codec.h) look kinds up here to put the
// right apiVersion/kind on what they write and to pick the message type for what they read;
// typed clients use it to find a kind's resource path.
//
// A registry maps, both ways, a GroupVersionKind to its message type (descriptor and default
// instance), and for kinds served as REST resources also the plural resource name, the scope
// (namespaced or cluster) and the list kind. It is built once by an explicit Registry::Builder
// (no static registration; duplicates are errors) and is immutable afterwards: any number of
// threads may read it concurrently. builtin_kinds.h has the registry of the built-in kinds.
#ifndef KUBECPP_CLIENT_API_REGISTRY_H_
#define KUBECPP_CLIENT_API_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kube::api {

// KindInfo describes one registered kind. Owned by its Registry; pointers stay valid for the
// registry's lifetime (also across moves of the registry).
struct KindInfo {
  std::string group;        // "" for the legacy core group
  std::string version;      // "v1"
  std::string kind;         // "Pod"
  std::string api_version;  // "v1" or "apps/v1"
  const google::protobuf::Descriptor* descriptor = nullptr;
  const google::protobuf::Message* prototype = nullptr;  // the default instance; never null

  // Set for kinds served as resources (not for their lists or for Status).
  std::string resource;  // plural, "pods"
  bool namespaced = false;
  std::string list_kind;  // "PodList"

  // Set for list kinds: the kind of the items ("Pod").
  std::string item_kind;

  bool is_list() const { return !item_kind.empty(); }
};

// ResourceScope of a resource kind.
enum class ResourceScope { kNamespaced, kCluster };

// ResourceKind describes a kind served as a resource, with its list kind. The kind names are the
// message names ("Pod", "PodList"), as they are for every built-in kind.
struct ResourceKind {
  absl::string_view group;
  absl::string_view version;
  absl::string_view resource;  // plural
  ResourceScope scope = ResourceScope::kNamespaced;
  const google::protobuf::Message* object = nullptr;  // default instance of the kind
  const google::protobuf::Message* list = nullptr;    // default instance of its list
};

class Registry {
 public:
  class Builder {
   public:
    Builder() = default;

    // AddResource registers a resource kind and its list kind.
    Builder& AddResource(const ResourceKind& resource);

    // AddKind registers a kind that is not a resource (Status, APIResourceList, WatchEvent...).
    // A message may be registered under several kinds; the first registration is the one
    // FindByMessage returns (the kind the codecs write). group and version may both be empty
    // for kinds the apiserver sends with an empty apiVersion.
    Builder& AddKind(absl::string_view group, absl::string_view version, absl::string_view kind,
                     const google::protobuf::Message& prototype);

    // Build yields the registry, or the first error: AlreadyExists for a duplicate kind or
    // resource, InvalidArgument for an incomplete ResourceKind.
    absl::StatusOr<Registry> Build() &&;

   private:
    absl::Status Add(KindInfo info);

    std::vector<std::unique_ptr<KindInfo>> kinds_;
    absl::Status status_;
  };

  Registry(Registry&&) = default;
  Registry& operator=(Registry&&) = default;

  // FindByKind: apiVersion ("apps/v1") and kind as the wire carries them. Null when unknown.
  const KindInfo* FindByKind(absl::string_view api_version, absl::string_view kind) const;

  // FindByGroupVersionKind: the same with the group and version apart.
  const KindInfo* FindByGroupVersionKind(absl::string_view group, absl::string_view version,
                                         absl::string_view kind) const;

  // FindByMessage: the kind a message type is written as. Null when unregistered.
  const KindInfo* FindByMessage(const google::protobuf::Descriptor* descriptor) const;

  // FindByResource: the kind served at group/version/resource ("", "v1", "pods").
  const KindInfo* FindByResource(absl::string_view group, absl::string_view version,
                                 absl::string_view resource) const;

  // kinds lists every registered kind in registration order.
  std::vector<const KindInfo*> kinds() const;

 private:
  Registry() = default;

  std::vector<std::unique_ptr<KindInfo>> kinds_;
  absl::flat_hash_map<std::string, const KindInfo*> by_kind_;      // "apiVersion/kind"
  absl::flat_hash_map<std::string, const KindInfo*> by_resource_;  // "group/version/resource"
  absl::flat_hash_map<const google::protobuf::Descriptor*, const KindInfo*> by_message_;
};

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_REGISTRY_H_
