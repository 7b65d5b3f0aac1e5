#include "client/meta/selectable_fields.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/meta/fields.h"
#include "client/meta/gvk.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::HasSubstr;

const GroupVersionKind kPod{"", "v1", "Pod"};
const GroupVersionResource kPods{"", "v1", "pods"};
const GroupVersionKind kConfigMap{"", "v1", "ConfigMap"};
const GroupVersionResource kReplicaSets{"apps", "v1", "replicasets"};

TEST(SelectableFieldsTest, PodsSelectOnTheirSchedulingFields) {
  for (const char* f :
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"}) {
    EXPECT_TRUE(IsSelectableField(kPod, f)) << f;
    EXPECT_TRUE(IsSelectableField(kPods, f)) << f;
  }
  EXPECT_FALSE(IsSelectableField(kPod, "spec.bogus"));
  EXPECT_FALSE(IsSelectableField(kPod, ""));
}

TEST(SelectableFieldsTest, UnlistedKindsGetTheDefault) {
  EXPECT_EQ(FindSelectableFields(kConfigMap), nullptr);
  EXPECT_TRUE(IsSelectableField(kConfigMap, "metadata.name"));
  EXPECT_TRUE(IsSelectableField(kConfigMap, "metadata.namespace"));
  EXPECT_FALSE(IsSelectableField(kConfigMap, "data.x"));
  // apps/v1 has no field label conversion: ReplicaSets do not select on status.replicas.
  EXPECT_FALSE(IsSelectableField(kReplicaSets, "status.replicas"));
  EXPECT_THAT(DefaultSelectableFields(),
              ::testing::ElementsAre("metadata.name", "metadata.namespace"));
}

TEST(SelectableFieldsTest, ClusterScopedKindsListTheirOwnFields) {
  GroupVersionKind node{"", "v1", "Node"};
  EXPECT_TRUE(IsSelectableField(node, "spec.unschedulable"));
  EXPECT_TRUE(IsSelectableField(node, "metadata.name"));
  EXPECT_FALSE(IsSelectableField(node, "metadata.namespace"));
  GroupVersionKind ns{"", "v1", "Namespace"};
  EXPECT_TRUE(IsSelectableField(ns, "status.phase"));
  EXPECT_FALSE(IsSelectableField(ns, "metadata.namespace"));
}

TEST(SelectableFieldsTest, TableIsWellFormed) {
  absl::flat_hash_set<std::string> kinds;
  absl::flat_hash_set<std::string> resources;
  for (const SelectableFields& e : BuiltinSelectableFields()) {
    std::string id = absl::StrCat(e.group, "/", e.version);
    EXPECT_TRUE(kinds.insert(absl::StrCat(id, "/", e.kind)).second) << "duplicate " << e.kind;
    EXPECT_TRUE(resources.insert(absl::StrCat(id, "/", e.resource)).second) << e.resource;
    EXPECT_FALSE(e.fields.empty()) << e.kind;
    EXPECT_TRUE(IsSelectableField(
        GroupVersionKind{std::string(e.group), std::string(e.version), std::string(e.kind)},
        "metadata.name"))
        << e.kind;
    EXPECT_EQ(FindSelectableFields(GroupVersionResource{
                  std::string(e.group), std::string(e.version), std::string(e.resource)}),
              &e);
    absl::flat_hash_set<std::string> seen;
    for (absl::string_view f : e.fields) EXPECT_TRUE(seen.insert(std::string(f)).second) << f;
  }
  EXPECT_GE(BuiltinSelectableFields().size(), 13u);
}

TEST(ValidateFieldSelectorTest, NamesTheFirstUnsupportedField) {
  EXPECT_TRUE(ValidateFieldSelector(*FieldSelector::Parse("spec.nodeName=x"), kPod).ok());
  EXPECT_TRUE(ValidateFieldSelector(FieldSelector::Everything(), kPod).ok());
  absl::Status s =
      ValidateFieldSelector(*FieldSelector::Parse("spec.nodeName=x,spec.bogus=1"), kPods);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field label not supported: spec.bogus"));
  EXPECT_FALSE(ValidateFieldSelector(*FieldSelector::Parse("spec.nodeName=x"), kConfigMap).ok());
  EXPECT_FALSE(ValidateFieldSelector(*FieldSelector::Parse("=x"), kConfigMap).ok());
}

}  // namespace
}  // namespace kube::meta
