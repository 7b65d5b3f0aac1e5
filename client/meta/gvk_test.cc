#include "client/meta/gvk.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash_testing.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::HasSubstr;

TEST(GroupVersionTest, ParsesApiVersions) {
  absl::StatusOr<GroupVersion> core = GroupVersion::Parse("v1");
  ASSERT_TRUE(core.ok());
  EXPECT_EQ(*core, (GroupVersion{"", "v1"}));
  EXPECT_TRUE(core->IsCore());
  EXPECT_EQ(core->String(), "v1");

  absl::StatusOr<GroupVersion> apps = GroupVersion::Parse("apps/v1");
  ASSERT_TRUE(apps.ok());
  EXPECT_EQ(*apps, (GroupVersion{"apps", "v1"}));
  EXPECT_FALSE(apps->IsCore());
  EXPECT_EQ(apps->String(), "apps/v1");

  absl::StatusOr<GroupVersion> dotted = GroupVersion::Parse("rbac.authorization.k8s.io/v1beta1");
  ASSERT_TRUE(dotted.ok());
  EXPECT_EQ(dotted->group, "rbac.authorization.k8s.io");
  EXPECT_EQ(dotted->version, "v1beta1");
}

TEST(GroupVersionTest, RejectsMalformedApiVersions) {
  for (const char* bad : {"", "/", "/v1", "apps/", "a/b/c", "apps//v1"}) {
    absl::StatusOr<GroupVersion> gv = GroupVersion::Parse(bad);
    EXPECT_EQ(gv.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    if (!gv.ok()) {
      EXPECT_THAT(gv.status().message(), HasSubstr("invalid apiVersion")) << bad;
    }
  }
}

TEST(GroupVersionTest, WithKindAndResource) {
  GroupVersion gv{"apps", "v1"};
  EXPECT_EQ(gv.WithKind("Deployment"), (GroupVersionKind{"apps", "v1", "Deployment"}));
  EXPECT_EQ(gv.WithResource("deployments"), (GroupVersionResource{"apps", "v1", "deployments"}));
}

TEST(GroupVersionKindTest, FromApiVersionAndKind) {
  absl::StatusOr<GroupVersionKind> pod = GroupVersionKind::FromApiVersionAndKind("v1", "Pod");
  ASSERT_TRUE(pod.ok());
  EXPECT_EQ(*pod, (GroupVersionKind{"", "v1", "Pod"}));
  EXPECT_EQ(pod->ApiVersion(), "v1");
  EXPECT_EQ(pod->GetGroupKind(), (GroupKind{"", "Pod"}));
  EXPECT_EQ(pod->GetGroupVersion(), (GroupVersion{"", "v1"}));
  EXPECT_FALSE(GroupVersionKind::FromApiVersionAndKind("v1", "").ok());
  EXPECT_FALSE(GroupVersionKind::FromApiVersionAndKind("a/b/c", "Pod").ok());
}

TEST(StringFormsTest, MatchApimachinery) {
  EXPECT_EQ((GroupVersionKind{"", "v1", "Pod"}).String(), "/v1, Kind=Pod");
  EXPECT_EQ((GroupVersionKind{"apps", "v1", "Deployment"}).String(), "apps/v1, Kind=Deployment");
  EXPECT_EQ((GroupVersionResource{"apps", "v1", "deployments"}).String(),
            "apps/v1, Resource=deployments");
  EXPECT_EQ((GroupKind{"apps", "Deployment"}).String(), "Deployment.apps");
  EXPECT_EQ((GroupKind{"", "Pod"}).String(), "Pod");
  EXPECT_EQ((GroupResource{"apps", "deployments"}).String(), "deployments.apps");
  EXPECT_EQ((GroupResource{"", "pods"}).String(), "pods");
}

TEST(GroupResourceTest, ParseSplitsAtTheFirstDot) {
  EXPECT_EQ(GroupResource::Parse("pods"), (GroupResource{"", "pods"}));
  EXPECT_EQ(GroupResource::Parse("deployments.apps"), (GroupResource{"apps", "deployments"}));
  EXPECT_EQ(GroupResource::Parse("leases.coordination.k8s.io"),
            (GroupResource{"coordination.k8s.io", "leases"}));
}

TEST(HashingTest, AllTypesHashCorrectlyAndKeyMaps) {
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {GroupVersion{"", "v1"}, GroupVersion{"apps", "v1"}, GroupVersion{"v1", ""},
       GroupVersion{"", ""}}));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {GroupVersionKind{"", "v1", "Pod"}, GroupVersionKind{"apps", "v1", "Pod"},
       GroupVersionKind{"", "v1Pod", ""}, GroupVersionKind{"", "", "v1Pod"}}));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {GroupVersionResource{"", "v1", "pods"}, GroupVersionResource{"apps", "v1", "pods"},
       GroupVersionResource{"", "v1pods", ""}}));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {GroupResource{"", "pods"}, GroupResource{"pods", ""}, GroupResource{"apps", "pods"}}));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {GroupKind{"", "Pod"}, GroupKind{"Pod", ""}, GroupKind{"apps", "Pod"}}));

  absl::flat_hash_map<GroupVersionKind, int> by_kind;
  by_kind[{"apps", "v1", "Deployment"}] = 1;
  by_kind[{"", "v1", "Pod"}] = 2;
  EXPECT_EQ(by_kind.at(GroupVersionKind{"apps", "v1", "Deployment"}), 1);
  EXPECT_FALSE(by_kind.contains(GroupVersionKind{"apps", "v1beta1", "Deployment"}));
}

TEST(OrderingTest, MemberWise) {
  EXPECT_LT((GroupVersion{"", "v1"}), (GroupVersion{"apps", "v1"}));
  EXPECT_LT((GroupVersionKind{"apps", "v1", "A"}), (GroupVersionKind{"apps", "v1", "B"}));
}

}  // namespace
}  // namespace kube::meta
