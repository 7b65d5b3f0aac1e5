// kube::plugins::Transform — edits an object before an informer stores it (strip
// managedFields, drop bulky annotations, ...).
//
// Where it sits: between the codec and the reflector, an informer runs its transform chain on
// each object exactly once (docs/architecture.md). The informer works on its own copy of a
// decoded object, so a transform never changes what another informer sees.
// PluginLibrary::NewTransform returns one backed by a plugin instance.
//
// Transforms must be idempotent: the informer may run one on an object it already transformed
// (for example the last known state inside a deletion tombstone).
//
// Thread-safety: Apply may be called concurrently on different objects.
#ifndef KUBECPP_PLUGINS_HOST_TRANSFORM_H_
#define KUBECPP_PLUGINS_HOST_TRANSFORM_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "plugins/host/object_view.h"

namespace kube::plugins {

class Transform {
 public:
  virtual ~Transform() = default;

  // name is how users and error messages refer to the transform.
  virtual absl::string_view name() const = 0;

  // Apply edits `object` in place. On error `object` may be partly edited: the caller must
  // discard it (and typically keeps the object untransformed or drops it, as configured).
  virtual absl::Status Apply(ObjectEditor& object) const = 0;
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_TRANSFORM_H_
