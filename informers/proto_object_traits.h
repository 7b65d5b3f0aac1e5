// kube::indexers::ObjectTraits for the generated protobuf kinds of //client/api — every message
// with a `metadata` field of type meta/v1 ObjectMeta (Pod, ConfigMap, Deployment, ...), and
// meta/v1 PartialObjectMetadata (the metadata-only informer's type), which has one too.
//
// Where it sits: //client/api messages -> *these traits* -> Indexer / Lister / Reflector /
// SharedIndexInformer. Including this header is what makes
// `SharedIndexInformer<api::core::v1::Pod>` compile; the cache itself stays free of protobuf.
//
// Everything is a view into the object: Labels() is a LabelView over the message's own
// google::protobuf::Map (no copy); Annotation() looks the key up in the annotations map.
// List kinds (ConfigMapList) have a ListMeta `metadata` and are deliberately not matched.
// OwnerUids() (the optional trait of builtin_indexes.h) lists metadata.ownerReferences[*].uid
// as views, so AddBuiltinIndexes registers the "owner-uid" index for every protobuf kind,
// PartialObjectMetadata included.
//
// Thread-safety: read-only const accessors of immutable messages; safe from any thread.
#ifndef KUBECPP_INFORMERS_PROTO_OBJECT_TRAITS_H_
#define KUBECPP_INFORMERS_PROTO_OBJECT_TRAITS_H_

#include <concepts>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/meta/labels.h"
#include "google/protobuf/message.h"
#include "indexers/object_traits.h"

namespace kube::informers {

// ProtoKubeObject holds for generated messages whose `metadata` is an ObjectMeta.
template <typename T>
concept ProtoKubeObject = std::derived_from<T, google::protobuf::Message> && requires(const T& o) {
  { o.metadata() } -> std::same_as<const api::meta::v1::ObjectMeta&>;
};

}  // namespace kube::informers

namespace kube::indexers {

template <informers::ProtoKubeObject T>
struct ObjectTraits<T> {
  static absl::string_view Namespace(const T& o) { return o.metadata().namespace_(); }
  static absl::string_view Name(const T& o) { return o.metadata().name(); }
  static absl::string_view ResourceVersion(const T& o) { return o.metadata().resourceversion(); }
  static meta::LabelView Labels(const T& o) { return meta::LabelView(o.metadata().labels()); }
  static std::optional<absl::string_view> Annotation(const T& o, absl::string_view key) {
    const auto& annotations = o.metadata().annotations();
    auto it = annotations.find(std::string(key));
    if (it == annotations.end()) return std::nullopt;
    return absl::string_view(it->second);
  }
  // OwnerUids allocates one vector of views (index time only, not on the read path).
  static std::vector<absl::string_view> OwnerUids(const T& o) {
    std::vector<absl::string_view> uids;
    uids.reserve(o.metadata().ownerreferences_size());
    for (const auto& ref : o.metadata().ownerreferences()) uids.emplace_back(ref.uid());
    return uids;
  }
};

}  // namespace kube::indexers

#endif  // KUBECPP_INFORMERS_PROTO_OBJECT_TRAITS_H_
