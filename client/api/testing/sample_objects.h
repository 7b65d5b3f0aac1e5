// Richly populated objects for tests and benchmarks of client/api: every part of a pod spec a
// codec can get wrong (inlined volume sources and probe handlers, IntOrString, quantities, pointer
// fields holding zero, maps, nested selectors) in a form the apiserver accepts.
#ifndef KUBECPP_CLIENT_API_TESTING_SAMPLE_OBJECTS_H_
#define KUBECPP_CLIENT_API_TESTING_SAMPLE_OBJECTS_H_

#include "absl/strings/string_view.h"
#include "client/api/core/v1/pod.pb.h"

namespace kube::api::testing {

// RichPod: a pod with init and sidecar containers, eight kinds of volumes, all probe kinds,
// lifecycle hooks, pod and container security contexts, affinity, tolerations, topology spread,
// env and envFrom of every source, resources, DNS config, host aliases, readiness and
// scheduling gates (so it stays Pending without a scheduler), and Go pointer fields holding zero
// (securityContext.runAsGroup). About 4 KB of JSON.
kube::api::core::v1::Pod RichPod(absl::string_view namespace_name, absl::string_view name);

}  // namespace kube::api::testing

#endif  // KUBECPP_CLIENT_API_TESTING_SAMPLE_OBJECTS_H_
