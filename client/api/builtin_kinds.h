// The built-in kinds kubecpp has messages for, and the registry holding them.
//
// AddBuiltinKinds lists them explicitly (no static registration): core/v1, apps/v1, batch/v1,
// coordination.k8s.io/v1, discovery.k8s.io/v1 and events.k8s.io/v1 resources with their lists,
// plus the meta/v1 kinds that travel as bodies (Status, discovery documents, DeleteOptions,
// PartialObjectMetadata). A program with custom messages builds its own registry from a Builder,
// calling AddBuiltinKinds first.
#ifndef KUBECPP_CLIENT_API_BUILTIN_KINDS_H_
#define KUBECPP_CLIENT_API_BUILTIN_KINDS_H_

#include "client/api/registry.h"

namespace kube::api {

// AddBuiltinKinds registers every built-in kind in builder.
void AddBuiltinKinds(Registry::Builder& builder);

// DefaultRegistry is the registry of the built-in kinds, built on first use and never destroyed.
// Thread-safe.
const Registry& DefaultRegistry();

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_BUILTIN_KINDS_H_
