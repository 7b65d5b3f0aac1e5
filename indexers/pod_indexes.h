// kube::indexers pod index definitions over the generated protobuf message
// kube::api::core::v1::Pod: pods by node (spec.nodeName).
//
// Where it sits: beside builtin_indexes.h, in its own target so that the generic indexes (and
// //indexers as a whole) stay free of protobuf. The node index is registered under
// FieldIndexName("spec.nodeName"), so MatchingFields({{"spec.nodeName", "node-1"}}) is served
// from it, with the field-selector semantics the apiserver applies: a pod not yet scheduled is
// filed under "" (`spec.nodeName=` selects pending pods).
//
// Thread-safety: the functions are pure and may be called concurrently.
#ifndef KUBECPP_INDEXERS_POD_INDEXES_H_
#define KUBECPP_INDEXERS_POD_INDEXES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/api/core/v1/pod.pb.h"
#include "indexers/index_func.h"
#include "indexers/index_registry.h"

namespace kube::indexers {

// kPodNodeNameField is the field selector name the node index answers.
inline constexpr absl::string_view kPodNodeNameField = "spec.nodeName";

// PodNodeNameIndex files a pod under spec.nodeName ("" when unscheduled).
IndexDefinition<api::core::v1::Pod> PodNodeNameIndex();

// AddPodIndexes registers PodNodeNameIndex; AlreadyExists when its name is taken.
absl::Status AddPodIndexes(IndexRegistry<api::core::v1::Pod>::Builder& builder);

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_POD_INDEXES_H_
