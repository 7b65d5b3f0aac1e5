// kube::plugins::ProtoTransform — an informers::Transform<M> for a generated protobuf kind M
// (or meta/v1 PartialObjectMetadata), computed by a plugins::Transform (a plugin instance or a
// built-in written against ObjectEditor) through ProtoObjectEditor.
//
// Where it sits: PluginLibrary::NewTransform -> *ProtoTransform* -> InformerConfig::transforms
// -> SharedIndexInformer, which runs it once per object on the reflector thread before storing.
//
// Copy: cached objects are shared and immutable (indexers/object_traits.h), so the step edits
// a copy of the message and returns it; the object it was given is never changed.
//
// Errors: a failure concerns one object: the copy (possibly half edited) is dropped, the object
// is returned as it came in (stored untransformed by this step), and `on_error` (if set) is told
// with the object's namespace/name. The informer keeps going.
//
// Ownership: the step shares ownership of `transform` (and through it of the plugin library):
// the plugin instance lives exactly as long as some copy of the step does, i.e. until the
// informer holding it (and any InformerConfig copy holding it) is destroyed.
//
// Thread-safety: the step may be called concurrently, as Transform::Apply may; `on_error` must
// be thread-safe too.
#ifndef KUBECPP_PLUGINS_INFORMER_PROTO_TRANSFORM_H_
#define KUBECPP_PLUGINS_INFORMER_PROTO_TRANSFORM_H_

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "indexers/object_traits.h"
#include "informers/transform.h"
#include "plugins/host/proto_object_view.h"
#include "plugins/host/transform.h"

namespace kube::plugins {

// TransformErrorSink is told about an object a transform failed on.
using TransformErrorSink =
    std::function<void(absl::string_view transform_name, absl::string_view ns,
                       absl::string_view name, const absl::Status& error)>;

// ProtoTransform: `api_version`/`kind` are the GVK the objects are decoded as (protobuf
// objects carry none); `identity` states what the step does (informers/transform.h), e.g. the
// plugin's path, digest and config (PluginIdentity in informer_plugins.h).
template <typename M>
requires std::derived_from<M, google::protobuf::Message> informers::Transform<M> ProtoTransform(
    std::shared_ptr<const Transform> transform, std::string api_version, std::string kind,
    std::string identity, TransformErrorSink on_error = nullptr) {
  return {std::move(identity),
          [transform = std::move(transform), api_version = std::move(api_version),
           kind = std::move(kind), on_error = std::move(on_error)](
              indexers::ObjectPtr<M> object) -> indexers::ObjectPtr<M> {
            auto copy = std::make_shared<M>(*object);
            ProtoObjectEditor editor(*copy, api_version, kind);
            absl::Status status = transform->Apply(editor);
            if (status.ok()) return copy;
            if (on_error) {
              ProtoObjectView view(*object, api_version, kind);
              on_error(transform->name(), view.Namespace(), view.Name(), status);
            }
            return object;
          }};
}

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_INFORMER_PROTO_TRANSFORM_H_
