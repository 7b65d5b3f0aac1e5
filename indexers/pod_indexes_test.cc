#include "indexers/pod_indexes.h"

#include <string>

#include "absl/status/status.h"
#include "client/api/core/v1/pod.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/builtin_indexes.h"
#include "indexers/index_registry.h"

namespace kube::indexers {
namespace {

using ::kube::api::core::v1::Pod;
using ::testing::ElementsAre;

TEST(PodIndexesTest, NodeNameIndexReadsSpecNodeName) {
  IndexDefinition<Pod> d = PodNodeNameIndex();
  EXPECT_EQ(d.name, FieldIndexName("spec.nodeName"));
  Pod scheduled;
  scheduled.mutable_metadata()->set_name("a");
  scheduled.mutable_spec()->set_nodename("node-1");
  EXPECT_THAT(d.func(scheduled), ElementsAre("node-1"));
  // Unscheduled pods are filed under "", as `spec.nodeName=` selects them on the apiserver.
  Pod pending;
  EXPECT_THAT(d.func(pending), ElementsAre(""));
}

TEST(PodIndexesTest, AddPodIndexesRegistersOnceOnly) {
  IndexRegistry<Pod>::Builder builder;
  ASSERT_TRUE(AddPodIndexes(builder).ok());
  EXPECT_EQ(AddPodIndexes(builder).code(), absl::StatusCode::kAlreadyExists);
  IndexRegistry<Pod> registry = std::move(builder).Build();
  EXPECT_THAT(registry.Names(), ElementsAre("field:spec.nodeName"));
}

}  // namespace
}  // namespace kube::indexers
