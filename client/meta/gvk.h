// kube::meta group/version/kind/resource identifiers — apimachinery's runtime/schema types.
//
// Where it sits: every layer names API types with these — the REST client builds paths from a
// GroupVersionResource, codecs read apiVersion/kind into a GroupVersionKind, informers and the
// RESTMapper key their maps by them. No dependency beyond Abseil.
//
// All types are plain values: copy freely, compare with ==/<=> (member-wise, in declaration
// order), hash with absl::Hash (so they key absl::flat_hash_map directly). The core ("legacy")
// API group is the empty string: {"", "v1"} is apiVersion "v1".
#ifndef KUBECPP_CLIENT_META_GVK_H_
#define KUBECPP_CLIENT_META_GVK_H_

#include <compare>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::meta {

struct GroupVersionKind;
struct GroupVersionResource;

// GroupVersion is an API group at one version; its String() is the apiVersion of objects.
struct GroupVersion {
  std::string group;    // "" for the core group
  std::string version;  // "v1", "v1beta1", ...

  // Parse reads an apiVersion: "v1" (core group) or "apps/v1". Stricter than apimachinery's
  // ParseGroupVersion, which maps "" and "/" to an empty GroupVersion and accepts "/v1" and
  // "apps/": here the version must be non-empty, a '/' must have a non-empty group before it,
  // and at most one '/' is allowed. InvalidArgument otherwise.
  static absl::StatusOr<GroupVersion> Parse(absl::string_view api_version);

  // String is the apiVersion: "v1" for the core group, else "group/version".
  std::string String() const;
  bool IsCore() const { return group.empty(); }

  GroupVersionKind WithKind(std::string kind) const;
  GroupVersionResource WithResource(std::string resource) const;

  friend bool operator==(const GroupVersion&, const GroupVersion&) = default;
  friend auto operator<=>(const GroupVersion&, const GroupVersion&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupVersion& gv) {
    return H::combine(std::move(h), gv.group, gv.version);
  }
};

// GroupKind is a kind without its version ("Deployment" in "apps").
struct GroupKind {
  std::string group;
  std::string kind;

  // String is "Kind.group", or "Kind" for the core group (apimachinery's GroupKind.String).
  std::string String() const;

  friend bool operator==(const GroupKind&, const GroupKind&) = default;
  friend auto operator<=>(const GroupKind&, const GroupKind&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupKind& gk) {
    return H::combine(std::move(h), gk.group, gk.kind);
  }
};

// GroupResource is a resource (lowercase plural, "deployments") without its version.
struct GroupResource {
  std::string group;
  std::string resource;

  // Parse splits "deployments.apps" at its first '.' into {"apps", "deployments"}; a string
  // with no '.' is a core resource ("pods"). Never fails (apimachinery's ParseGroupResource).
  static GroupResource Parse(absl::string_view group_resource);

  // String is "resource.group", or "resource" for the core group.
  std::string String() const;

  friend bool operator==(const GroupResource&, const GroupResource&) = default;
  friend auto operator<=>(const GroupResource&, const GroupResource&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupResource& gr) {
    return H::combine(std::move(h), gr.group, gr.resource);
  }
};

// GroupVersionKind names a type of object: what apiVersion + kind say in JSON.
struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;

  // FromApiVersionAndKind combines an object's apiVersion and kind ("apps/v1", "Deployment").
  // InvalidArgument when the apiVersion does not parse (GroupVersion::Parse) or kind is empty.
  static absl::StatusOr<GroupVersionKind> FromApiVersionAndKind(absl::string_view api_version,
                                                                absl::string_view kind);

  GroupVersion GetGroupVersion() const { return {group, version}; }
  GroupKind GetGroupKind() const { return {group, kind}; }
  // ApiVersion is GetGroupVersion().String(): "v1", "apps/v1".
  std::string ApiVersion() const { return GetGroupVersion().String(); }

  // String is apimachinery's debugging form "group/version, Kind=kind" ("/v1, Kind=Pod" for
  // the core group), so logs read the same as client-go's.
  std::string String() const;

  friend bool operator==(const GroupVersionKind&, const GroupVersionKind&) = default;
  friend auto operator<=>(const GroupVersionKind&, const GroupVersionKind&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupVersionKind& gvk) {
    return H::combine(std::move(h), gvk.group, gvk.version, gvk.kind);
  }
};

// GroupVersionResource names a collection in the REST API (/apis/apps/v1/deployments).
struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;

  GroupVersion GetGroupVersion() const { return {group, version}; }
  GroupResource GetGroupResource() const { return {group, resource}; }

  // String is apimachinery's debugging form "group/version, Resource=resource".
  std::string String() const;

  friend bool operator==(const GroupVersionResource&, const GroupVersionResource&) = default;
  friend auto operator<=>(const GroupVersionResource&, const GroupVersionResource&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupVersionResource& gvr) {
    return H::combine(std::move(h), gvr.group, gvr.version, gvr.resource);
  }
};

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_GVK_H_
