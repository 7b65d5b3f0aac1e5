#include "plugins/host/testing/fake_object.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/field_path.h"

namespace kube::plugins::testing {
namespace {

absl::StatusOr<std::string> Read(const FakeObject& object, const char* path) {
  absl::StatusOr<FieldValue> value = object.Field(*FieldPath::Parse(path));
  if (!value.ok()) return value.status();
  return std::string(value->text());
}

FakeObject Pod() {
  FakeObject pod("Pod", "default", "web-0");
  pod.SetUid("u-1")
      .SetField("spec.nodeName", "node-1")
      .SetField("spec.containers[0].image", "nginx")
      .SetField("metadata.managedFields[0].manager", "kubectl")
      .SetLabel("app", "web")
      .SetAnnotation("note", "x")
      .AddOwnerReference({"apps/v1", "ReplicaSet", "web-abc", "u-rs", true, std::nullopt});
  return pod;
}

TEST(FakeObjectTest, ReadsIdentityMapsOwnersAndStoredFields) {
  const FakeObject pod = Pod();
  EXPECT_EQ(*Read(pod, "spec.nodeName"), "node-1");
  EXPECT_EQ(*Read(pod, "spec.containers[0].image"), "nginx");
  EXPECT_EQ(*Read(pod, "metadata.name"), "web-0");
  EXPECT_EQ(*Read(pod, "kind"), "Pod");
  EXPECT_EQ(*Read(pod, "metadata.labels['app']"), "web");
  EXPECT_EQ(*Read(pod, "metadata.ownerReferences[0].kind"), "ReplicaSet");
  EXPECT_EQ(*Read(pod, "metadata.ownerReferences[0].controller"), "true");
  EXPECT_EQ(Read(pod, "metadata.ownerReferences[0].blockOwnerDeletion").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Read(pod, "metadata.ownerReferences[1].kind").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Read(pod, "spec.hostname").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Read(pod, "spec.containers").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(pod, "metadata.labels").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(FakeObjectTest, MetadataOnlyObjectsHaveNothingOutsideMetadata) {
  FakeObject pod = Pod();
  pod.SetRepresentation(Representation::kMetadataOnly);
  EXPECT_EQ(Read(pod, "spec.nodeName").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*Read(pod, "kind"), "Pod");
  EXPECT_EQ(*Read(pod, "metadata.labels['app']"), "web");
}

TEST(FakeObjectTest, RemoveFieldRemovesTheSubtreeAndKeepsIdentity) {
  FakeObject pod = Pod();
  ASSERT_TRUE(pod.RemoveField(*FieldPath::Parse("metadata.managedFields")).ok());
  EXPECT_FALSE(pod.HasField("metadata.managedFields"));
  EXPECT_TRUE(pod.HasField("spec.nodeName"));
  EXPECT_TRUE(pod.RemoveField(*FieldPath::Parse("spec.absent")).ok());
  EXPECT_EQ(pod.RemoveField(*FieldPath::Parse("metadata.name")).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(pod.RemoveField(*FieldPath::Parse("metadata.labels['app']")).ok());
  EXPECT_TRUE(pod.labels().empty());
}

TEST(FakeObjectTest, MapEditsAndIteration) {
  FakeObject pod = Pod();
  ASSERT_TRUE(pod.SetMapValue(MetadataMap::kLabels, "tier", "front").ok());
  ASSERT_TRUE(pod.RemoveMapValue(MetadataMap::kAnnotations, "note").ok());
  std::vector<std::string> seen;
  pod.ForEachMapEntry(MetadataMap::kLabels, [&](absl::string_view k, absl::string_view v) {
    seen.push_back(std::string(k) + "=" + std::string(v));
    return true;
  });
  EXPECT_THAT(seen, ::testing::ElementsAre("app=web", "tier=front"));
  EXPECT_TRUE(pod.annotations().empty());
}

}  // namespace
}  // namespace kube::plugins::testing
