// kube::informers::Transform<T> — a step that rewrites each object once, before it is stored
// (client-go's TransformFunc), e.g. dropping managedFields. A chain of them belongs to one
// informer's configuration: `identity` names what the step does (a plugin's path, digest and
// config; or "builtin:strip-managed-fields") and is part of the informer's identity
// (informers/informer_config.h), so two consumers share an informer only if their chains match.
//
// A transform receives the object as decoded (or as the previous step left it) and returns the
// object to store; it must be pure, idempotent and thread-safe, and it also sees the last state of
// deleted objects. Returning the input unchanged is allowed (no copy).
#ifndef KUBECPP_INFORMERS_TRANSFORM_H_
#define KUBECPP_INFORMERS_TRANSFORM_H_

#include <functional>
#include <string>

#include "indexers/object_traits.h"

namespace kube::informers {

template <typename T>
struct Transform {
  std::string identity;
  std::function<indexers::ObjectPtr<T>(indexers::ObjectPtr<T>)> fn;
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_TRANSFORM_H_
