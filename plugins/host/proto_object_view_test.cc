#include "plugins/host/proto_object_view.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/field_path.h"

namespace kube::plugins {
namespace {

using ::kube::api::core::v1::Pod;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Pod SamplePod() {
  Pod pod;
  auto* m = pod.mutable_metadata();
  m->set_namespace_("default");
  m->set_name("web-0");
  m->set_uid("uid-1");
  m->set_resourceversion("42");
  (*m->mutable_labels())["app"] = "web";
  (*m->mutable_labels())["tier"] = "fe";
  (*m->mutable_annotations())["note"] = "hello";
  auto* owner = m->add_ownerreferences();
  owner->set_apiversion("apps/v1");
  owner->set_kind("ReplicaSet");
  owner->set_name("web-7d9f");
  owner->set_uid("rs-uid");
  owner->set_controller(true);
  m->add_managedfields()->set_manager("kubectl");
  m->add_managedfields()->set_manager("kube-scheduler");
  pod.mutable_spec()->set_nodename("node-1");
  pod.mutable_spec()->set_hostnetwork(false);
  pod.mutable_spec()->set_activedeadlineseconds(30);
  auto* c0 = pod.mutable_spec()->add_containers();
  c0->set_name("app");
  c0->set_image("nginx:1");
  (*c0->mutable_resources()->mutable_limits())["cpu"].set_string("500m");
  pod.mutable_spec()->add_containers()->set_name("sidecar");
  pod.mutable_status()->mutable_starttime()->set_seconds(1704164645);  // 2024-01-02T03:04:05Z
  return pod;
}

FieldPath P(absl::string_view text) {
  absl::StatusOr<FieldPath> path = FieldPath::Parse(text);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : FieldPath();
}

absl::StatusCode Code(const ObjectView& v, absl::string_view path) {
  return v.Field(P(path)).status().code();
}
std::string Text(const ObjectView& v, absl::string_view path) {
  absl::StatusOr<FieldValue> value = v.Field(P(path));
  EXPECT_TRUE(value.ok()) << path << ": " << value.status();
  return value.ok() ? std::string(value->text()) : "<error>";
}

TEST(ProtoObjectViewTest, Identity) {
  Pod pod = SamplePod();
  ProtoObjectView v(pod, "v1", "Pod");
  EXPECT_EQ(v.representation(), Representation::kTyped);
  EXPECT_EQ(v.Kind(), "Pod");
  EXPECT_EQ(v.ApiVersion(), "v1");
  EXPECT_EQ(v.Namespace(), "default");
  EXPECT_EQ(v.Name(), "web-0");
  EXPECT_EQ(v.Uid(), "uid-1");
  EXPECT_EQ(v.ResourceVersion(), "42");
  EXPECT_EQ(Text(v, "kind"), "Pod");
  EXPECT_EQ(Text(v, "apiVersion"), "v1");
}

TEST(ProtoObjectViewTest, ScalarFieldsByPath) {
  Pod pod = SamplePod();
  ProtoObjectView v(pod, "v1", "Pod");
  EXPECT_EQ(Text(v, "spec.nodeName"), "node-1");
  // Borrowed: the view points into the message, no copy.
  EXPECT_EQ(v.Field(P("spec.nodeName"))->text().data(), pod.spec().nodename().data());
  EXPECT_EQ(Text(v, "metadata.labels['app']"), "web");
  EXPECT_EQ(Text(v, "metadata.ownerReferences[0].kind"), "ReplicaSet");
  EXPECT_EQ(Text(v, "metadata.ownerReferences[0].controller"), "true");
  EXPECT_EQ(Text(v, "spec.hostNetwork"), "false");
  EXPECT_EQ(Text(v, "spec.activeDeadlineSeconds"), "30");
  EXPECT_EQ(Text(v, "spec.containers[1].name"), "sidecar");
  EXPECT_EQ(Text(v, "spec.containers[0].resources.limits['cpu']"), "500m");
  EXPECT_EQ(Text(v, "status.startTime"), "2024-01-02T03:04:05Z");
}

TEST(ProtoObjectViewTest, ErrorCodesFollowTheContract) {
  Pod pod = SamplePod();
  ProtoObjectView v(pod, "v1", "Pod");
  // Absent in this object.
  EXPECT_EQ(Code(v, "spec.schedulerName"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code(v, "spec.containers[5].name"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code(v, "metadata.labels['nope']"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code(v, "spec.securityContext.runAsUser"), absl::StatusCode::kNotFound);
  // Not in the schema.
  EXPECT_EQ(Code(v, "spec.noSuchField"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.securityContext.noSuchField"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.nodeName.more"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.nodeName[0]"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.containers['a']"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.containers.name"), absl::StatusCode::kInvalidArgument);
  // Not a scalar.
  EXPECT_EQ(Code(v, "spec"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code(v, "spec.containers"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code(v, "spec.containers[0]"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code(v, "metadata.labels"), absl::StatusCode::kFailedPrecondition);
}

// Paths are the API documentation's: members of json_inline sub-messages (Volume's VolumeSource,
// Probe's ProbeHandler, LocalObjectReference) sit at their parent's level, as in JSON.
TEST(ProtoObjectViewTest, InlinedMembersUseApiPaths) {
  Pod pod = SamplePod();
  auto* volume = pod.mutable_spec()->add_volumes();
  volume->set_name("config");
  volume->mutable_volumesource()->mutable_configmap()->mutable_localobjectreference()->set_name(
      "app-config");
  pod.mutable_spec()->add_volumes()->set_name("scratch");
  pod.mutable_spec()->mutable_volumes(1)->mutable_volumesource()->mutable_emptydir();
  auto* probe = pod.mutable_spec()->mutable_containers(0)->mutable_livenessprobe();
  probe->mutable_handler()->mutable_httpget()->set_path("/healthz");
  probe->set_periodseconds(5);
  pod.mutable_spec()->add_imagepullsecrets()->set_name("registry-key");
  ProtoObjectView v(pod, "v1", "Pod");
  EXPECT_EQ(Text(v, "spec.volumes[0].configMap.name"), "app-config");
  EXPECT_EQ(Text(v, "spec.containers[0].livenessProbe.httpGet.path"), "/healthz");
  EXPECT_EQ(Text(v, "spec.containers[0].livenessProbe.periodSeconds"), "5");
  EXPECT_EQ(Text(v, "spec.imagePullSecrets[0].name"), "registry-key");
  // Valid for the schema, absent in this object.
  EXPECT_EQ(Code(v, "spec.volumes[1].configMap.name"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code(v, "spec.containers[1].livenessProbe.httpGet.path"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code(v, "spec.containers[0].livenessProbe.exec.command[0]"),
            absl::StatusCode::kNotFound);
  // The inline fields' own names are not API members.
  EXPECT_EQ(Code(v, "spec.volumes[0].volumeSource.configMap.name"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.containers[0].livenessProbe.handler.httpGet.path"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(v, "spec.volumes[0].configMap.localObjectReference.name"),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProtoObjectViewTest, MetadataMapsAndOwners) {
  Pod pod = SamplePod();
  ProtoObjectView v(pod, "v1", "Pod");
  EXPECT_EQ(v.MapValue(MetadataMap::kLabels, "tier"), "fe");
  EXPECT_EQ(v.MapValue(MetadataMap::kAnnotations, "note"), "hello");
  EXPECT_EQ(v.MapValue(MetadataMap::kAnnotations, "app"), std::nullopt);
  std::vector<std::pair<std::string, std::string>> labels;
  v.ForEachMapEntry(MetadataMap::kLabels, [&](absl::string_view k, absl::string_view val) {
    labels.emplace_back(k, val);
    return true;
  });
  EXPECT_THAT(labels, UnorderedElementsAre(Pair("app", "web"), Pair("tier", "fe")));
  int visited = 0;
  v.ForEachMapEntry(MetadataMap::kLabels, [&](absl::string_view, absl::string_view) {
    ++visited;
    return false;
  });
  EXPECT_EQ(visited, 1);
  ASSERT_EQ(v.OwnerReferenceCount(), 1u);
  OwnerReferenceView owner = v.OwnerReference(0);
  EXPECT_EQ(owner.api_version, "apps/v1");
  EXPECT_EQ(owner.kind, "ReplicaSet");
  EXPECT_EQ(owner.name, "web-7d9f");
  EXPECT_EQ(owner.uid, "rs-uid");
  EXPECT_EQ(owner.controller, true);
  EXPECT_EQ(owner.block_owner_deletion, std::nullopt);
}

TEST(ProtoObjectViewTest, MetadataOnlyObjectRefusesSpec) {
  api::meta::v1::PartialObjectMetadata partial;
  partial.mutable_metadata()->set_name("web-0");
  (*partial.mutable_metadata()->mutable_labels())["app"] = "web";
  ProtoObjectView v(partial, "v1", "Pod");
  EXPECT_EQ(v.representation(), Representation::kMetadataOnly);
  EXPECT_EQ(v.Name(), "web-0");
  EXPECT_EQ(Text(v, "metadata.labels['app']"), "web");
  EXPECT_EQ(Code(v, "spec.nodeName"), absl::StatusCode::kFailedPrecondition);
}

TEST(ProtoObjectViewTest, ListSizeCountsElementsAndRefusesNonLists) {
  Pod pod = SamplePod();
  ProtoObjectView v(pod, "v1", "Pod");
  EXPECT_EQ(*v.ListSize(P("spec.containers")), 2u);
  EXPECT_EQ(*v.ListSize(P("metadata.ownerReferences")), 1u);
  EXPECT_EQ(*v.ListSize(P("spec.containers[0].args")), 0u);  // unset list
  EXPECT_EQ(*v.ListSize(P("spec.containers[5].args")), 0u);  // past the end on the way
  EXPECT_EQ(*v.ListSize(P("spec.initContainers")), 0u);
  Pod empty;
  ProtoObjectView e(empty, "v1", "Pod");
  EXPECT_EQ(*e.ListSize(P("spec.containers[0].ports")), 0u);  // unset message on the way
  EXPECT_EQ(v.ListSize(P("spec.nodeName")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.ListSize(P("metadata.labels")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.ListSize(P("spec.containers[0]")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.ListSize(P("spec.nope")).status().code(), absl::StatusCode::kInvalidArgument);
  api::meta::v1::PartialObjectMetadata partial;
  ProtoObjectView m(partial, "v1", "Pod");
  EXPECT_EQ(m.ListSize(P("spec.containers")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*m.ListSize(P("metadata.ownerReferences")), 0u);
}

TEST(ProtoObjectEditorTest, RemoveFieldListElementAndMapEntry) {
  Pod pod = SamplePod();
  ProtoObjectEditor e(pod, "v1", "Pod");
  ASSERT_TRUE(e.RemoveField(P("metadata.managedFields")).ok());
  EXPECT_EQ(pod.metadata().managedfields_size(), 0);
  ASSERT_TRUE(e.RemoveField(P("metadata.managedFields")).ok());  // already absent: OK

  ASSERT_TRUE(e.RemoveField(P("spec.containers[0]")).ok());
  ASSERT_EQ(pod.spec().containers_size(), 1);
  EXPECT_EQ(pod.spec().containers(0).name(), "sidecar");
  ASSERT_TRUE(e.RemoveField(P("spec.containers[7]")).ok());

  ASSERT_TRUE(e.RemoveField(P("metadata.labels['app']")).ok());
  EXPECT_FALSE(pod.metadata().labels().contains("app"));
  EXPECT_TRUE(pod.metadata().labels().contains("tier"));
  EXPECT_EQ(e.MapValue(MetadataMap::kLabels, "app"), std::nullopt);

  ASSERT_TRUE(e.RemoveField(P("spec.nodeName")).ok());
  EXPECT_FALSE(pod.spec().has_nodename());
  EXPECT_EQ(e.Field(P("spec.nodeName")).status().code(), absl::StatusCode::kNotFound);
  // Through an absent message: nothing to do.
  ASSERT_TRUE(e.RemoveField(P("spec.securityContext.runAsUser")).ok());
  EXPECT_FALSE(pod.spec().has_securitycontext());

  EXPECT_EQ(e.RemoveField(P("spec.noSuchField")).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProtoObjectEditorTest, RemoveInlinedMembersByApiPath) {
  Pod pod = SamplePod();
  auto* volume = pod.mutable_spec()->add_volumes();
  volume->set_name("config");
  volume->mutable_volumesource()->mutable_configmap()->mutable_localobjectreference()->set_name(
      "app-config");
  pod.mutable_spec()
      ->mutable_containers(0)
      ->mutable_livenessprobe()
      ->mutable_handler()
      ->mutable_httpget()
      ->set_path("/healthz");
  ProtoObjectEditor e(pod, "v1", "Pod");
  ASSERT_TRUE(e.RemoveField(P("spec.volumes[0].configMap.name")).ok());
  EXPECT_TRUE(pod.spec().volumes(0).volumesource().has_configmap());
  EXPECT_FALSE(pod.spec().volumes(0).volumesource().configmap().localobjectreference().has_name());
  ASSERT_TRUE(e.RemoveField(P("spec.containers[0].livenessProbe.httpGet")).ok());
  EXPECT_FALSE(pod.spec().containers(0).livenessprobe().handler().has_httpget());
  // Through an absent inline message: nothing to do.
  ASSERT_TRUE(e.RemoveField(P("spec.containers[1].livenessProbe.httpGet.path")).ok());
  EXPECT_FALSE(pod.spec().containers(1).has_livenessprobe());
  EXPECT_EQ(e.RemoveField(P("spec.volumes[0].volumeSource")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProtoObjectEditorTest, ProtectedFieldsStay) {
  Pod pod = SamplePod();
  ProtoObjectEditor e(pod, "v1", "Pod");
  for (absl::string_view path : {"metadata", "metadata.name", "metadata.namespace", "metadata.uid",
                                 "metadata.resourceVersion", "kind", "apiVersion"}) {
    EXPECT_EQ(e.RemoveField(P(path)).code(), absl::StatusCode::kFailedPrecondition) << path;
  }
  EXPECT_EQ(pod.metadata().name(), "web-0");
  EXPECT_EQ(pod.metadata().uid(), "uid-1");
}

TEST(ProtoObjectEditorTest, SetAndRemoveLabelsAndAnnotations) {
  Pod pod = SamplePod();
  ProtoObjectEditor e(pod, "v1", "Pod");
  ASSERT_TRUE(e.SetMapValue(MetadataMap::kLabels, "app", "api").ok());
  ASSERT_TRUE(e.SetMapValue(MetadataMap::kAnnotations, "new", "x").ok());
  EXPECT_EQ(pod.metadata().labels().at("app"), "api");
  EXPECT_EQ(pod.metadata().annotations().at("new"), "x");
  // The path view sees the edit too.
  EXPECT_EQ(Text(e, "metadata.labels['app']"), "api");
  ASSERT_TRUE(e.RemoveMapValue(MetadataMap::kAnnotations, "note").ok());
  ASSERT_TRUE(e.RemoveMapValue(MetadataMap::kAnnotations, "absent").ok());
  EXPECT_FALSE(pod.metadata().annotations().contains("note"));
}

}  // namespace
}  // namespace kube::plugins
