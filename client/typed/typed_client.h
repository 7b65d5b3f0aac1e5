// kube::typed::TypedClient<T, L> — client-go's typed client for one kind: T is the kind's
// generated message (api::core::v1::Pod), L its list (api::core::v1::PodList).
//
// Where it sits: a thin typed face over ResourceClient (resource_client.h), which does the
// requests; Clientset (clientset.h) hands out one per kind and namespace:
//
//   typed::PodClient pods = clientset.Pods("team-a");
//   absl::StatusOr<core::Pod> pod = pods.Get("web-0");
//   if (rest::IsNotFound(pod.status())) ...
//   absl::StatusOr<core::PodList> page = pods.List({.label_selector = "app=web", .limit = 50});
//   absl::StatusOr<core::Pod> patched = pods.Patch("web-0", typed::PatchType::kMerge,
//                                                  R"({"metadata":{"labels":{"tier":"1"}}})");
//   absl::StatusOr<core::Pod> applied = pods.Apply(desired, {.force = true,
//                                                           .field_manager = "my-controller"});
//
// Subresources: UpdateStatus exists for kinds whose message has a `status` (compile-time);
// GetScale/UpdateScale (autoscaling/v1 Scale) for the kinds with a scale subresource
// (kHasScale<T>: Deployment, ReplicaSet, StatefulSet, ReplicationController). Other
// subresources are reachable through Patch's `subresource` and resource().
//
// Thread-safety: immutable; copy and share freely.
#ifndef KUBECPP_CLIENT_TYPED_TYPED_CLIENT_H_
#define KUBECPP_CLIENT_TYPED_TYPED_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/autoscaling/v1/autoscaling.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/typed/options.h"
#include "client/typed/resource_client.h"
#include "client/typed/watch.h"

namespace kube::typed {

// kHasScale<T>: T's resource serves the scale subresource.
template <typename T>
inline constexpr bool kHasScale = false;
template <>
inline constexpr bool kHasScale<api::apps::v1::Deployment> = true;
template <>
inline constexpr bool kHasScale<api::apps::v1::ReplicaSet> = true;
template <>
inline constexpr bool kHasScale<api::apps::v1::StatefulSet> = true;
template <>
inline constexpr bool kHasScale<api::core::v1::ReplicationController> = true;

// HasStatus<T>: T has a status, which built-in kinds serve as the status subresource.
template <typename T>
concept HasStatus = requires(const T& t) {
  t.status();
};

template <typename T, typename L>
class TypedClient {
 public:
  using Object = T;
  using ObjectList = L;

  explicit TypedClient(ResourceClient resource) : resource_(std::move(resource)) {}

  // Get: NotFound (rest::IsNotFound, with the apiserver's Status) when there is no such object.
  absl::StatusOr<T> Get(absl::string_view name, const GetOptions& options = {}) const {
    T out;
    if (absl::Status s = resource_.Get(name, options, &out); !s.ok()) return s;
    return out;
  }

  // List: one page (options.limit, options.continue_token); the next page's token is
  // metadata().continue_().
  absl::StatusOr<L> List(const ListOptions& options = {}) const {
    L out;
    if (absl::Status s = resource_.List(options, &out); !s.ok()) return s;
    return out;
  }

  // ListAll: every page, following continue tokens, in pages of options.limit (0 = one request).
  absl::StatusOr<L> ListAll(const ListOptions& options = {}) const {
    L out;
    if (absl::Status s = resource_.ListAll(options, &out); !s.ok()) return s;
    return out;
  }

  // Watch: events after options.resource_version (watch.h).
  absl::StatusOr<std::unique_ptr<Watcher<T>>> Watch(const ListOptions& options = {}) const {
    absl::StatusOr<std::shared_ptr<WatchQueue>> queue = resource_.Watch(options);
    if (!queue.ok()) return queue.status();
    ResourceClient decoder = resource_;
    return std::make_unique<Watcher<T>>(
        *std::move(queue),
        [decoder](const rest::WatchEvent& event, google::protobuf::Message* out) {
          return decoder.DecodeEvent(event, out);
        });
  }

  absl::StatusOr<T> Create(const T& object, const CreateOptions& options = {}) const {
    T out;
    if (absl::Status s = resource_.Create(object, options, &out); !s.ok()) return s;
    return out;
  }

  // Update: a stale metadata.resourceVersion fails with rest::IsConflict.
  absl::StatusOr<T> Update(const T& object, const UpdateOptions& options = {}) const {
    T out;
    if (absl::Status s = resource_.Update(object, options, &out); !s.ok()) return s;
    return out;
  }

  // UpdateStatus writes only the status (the status subresource ignores spec changes).
  absl::StatusOr<T> UpdateStatus(const T& object,
                                 const UpdateOptions& options = {}) const requires HasStatus<T> {
    T out;
    if (absl::Status s = resource_.Update(object, options, &out, "status"); !s.ok()) return s;
    return out;
  }

  // Patch: `data` is a JSON patch, merge patch, strategic merge patch or apply document (YAML
  // or JSON), per `type`; `subresource` patches e.g. "status".
  absl::StatusOr<T> Patch(absl::string_view name, PatchType type, absl::string_view data,
                          const PatchOptions& options = {},
                          absl::string_view subresource = "") const {
    T out;
    if (absl::Status s = resource_.Patch(name, type, data, options, &out, subresource); !s.ok()) {
      return s;
    }
    return out;
  }

  // Apply: server-side apply of `object` (its set fields are the applied configuration) as
  // options.field_manager (required); options.force takes over conflicting fields.
  absl::StatusOr<T> Apply(const T& object, const PatchOptions& options) const {
    return ApplyTo(object, options, "");
  }
  absl::StatusOr<T> ApplyStatus(const T& object,
                                const PatchOptions& options) const requires HasStatus<T> {
    return ApplyTo(object, options, "status");
  }

  // Delete: OK once the server accepted the deletion (the object may linger for finalizers or
  // its grace period). Preconditions that do not match fail with rest::IsConflict.
  absl::Status Delete(absl::string_view name, const DeleteOptions& options = {}) const {
    return resource_.Delete(name, options);
  }

  // DeleteCollection deletes every object list_options selects.
  absl::Status DeleteCollection(const DeleteOptions& options = {},
                                const ListOptions& list_options = {}) const {
    return resource_.DeleteCollection(options, list_options);
  }

  absl::StatusOr<api::autoscaling::v1::Scale> GetScale(
      absl::string_view name, const GetOptions& options = {}) const requires kHasScale<T> {
    api::autoscaling::v1::Scale out;
    if (absl::Status s = resource_.Get(name, options, &out, "scale"); !s.ok()) return s;
    return out;
  }

  // UpdateScale sets spec.replicas through the scale subresource; scale.metadata.name must be
  // `name` and a set resourceVersion must be current.
  absl::StatusOr<api::autoscaling::v1::Scale> UpdateScale(
      absl::string_view name, const api::autoscaling::v1::Scale& scale,
      const UpdateOptions& options = {}) const requires kHasScale<T> {
    api::autoscaling::v1::Scale out;
    if (absl::Status s = resource_.UpdateSubresource(name, "scale", scale, options, &out);
        !s.ok()) {
      return s;
    }
    return out;
  }

  const ResourceClient& resource() const { return resource_; }

 private:
  absl::StatusOr<T> ApplyTo(const T& object, const PatchOptions& options,
                            absl::string_view subresource) const {
    absl::StatusOr<std::string> body = resource_.ApplyJson(object);
    if (!body.ok()) return body.status();
    const api::meta::v1::ObjectMeta& meta = object.metadata();
    // A client for all namespaces applies to the object's own namespace.
    const ResourceClient target =
        resource_.ns().empty() ? resource_.InNamespace(meta.namespace_()) : resource_;
    T out;
    if (absl::Status s =
            target.Patch(meta.name(), PatchType::kApply, *body, options, &out, subresource);
        !s.ok()) {
      return s;
    }
    return out;
  }

  ResourceClient resource_;
};

}  // namespace kube::typed

#endif  // KUBECPP_CLIENT_TYPED_TYPED_CLIENT_H_
