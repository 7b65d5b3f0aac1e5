#include "indexers/pod_indexes.h"

#include <string>
#include <vector>

#include "indexers/builtin_indexes.h"

namespace kube::indexers {

IndexDefinition<api::core::v1::Pod> PodNodeNameIndex() {
  return {FieldIndexName(kPodNodeNameField), "builtin:pod:spec.nodeName",
          [](const api::core::v1::Pod& pod) {
            return std::vector<std::string>{pod.spec().nodename()};
          }};
}

absl::Status AddPodIndexes(IndexRegistry<api::core::v1::Pod>::Builder& builder) {
  return builder.Add(PodNodeNameIndex());
}

}  // namespace kube::indexers
