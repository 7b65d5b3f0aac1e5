// The example plugins, loaded from their .so files through the real host.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/testing/fake_object.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

using ::kube::plugins::testing::FakeObject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::UnorderedElementsAre;

class ExamplesTest : public ::testing::Test {
 protected:
  std::shared_ptr<const PluginLibrary> Load(const std::string& name) {
    absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
        loader_->Load(testing::RunfilePath("plugins/examples/lib" + name + ".so"));
    EXPECT_TRUE(library.ok()) << library.status();
    return library.ok() ? *library : nullptr;
  }
  std::unique_ptr<IndexFunction> Index(const std::string& name, const std::string& config) {
    absl::StatusOr<std::unique_ptr<IndexFunction>> index = Load(name)->NewIndexFunction(config);
    EXPECT_TRUE(index.ok()) << index.status();
    return index.ok() ? *std::move(index) : nullptr;
  }
  std::unique_ptr<Transform> NewTransform(const std::string& config) {
    absl::StatusOr<std::unique_ptr<Transform>> transform =
        Load("strip_metadata")->NewTransform(config);
    EXPECT_TRUE(transform.ok()) << transform.status();
    return transform.ok() ? *std::move(transform) : nullptr;
  }

  std::unique_ptr<PluginLoader> loader_ = *PluginLoader::Create({});
};

std::vector<std::string> Values(const IndexFunction& index, const ObjectView& object) {
  absl::StatusOr<std::vector<std::string>> values = index.Index(object);
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *values : std::vector<std::string>{"<error>"};
}

FakeObject Pod(const std::string& name) { return FakeObject("Pod", "default", name); }

// ---- pods-by-node ------------------------------------------------------------------------------

TEST_F(ExamplesTest, PodsByNode) {
  auto index = Index("pods_by_node", "");
  EXPECT_EQ(index->name(), "pods-by-node");
  EXPECT_THAT(Values(*index, Pod("a").SetField("spec.nodeName", "node-1")), ElementsAre("node-1"));
  EXPECT_THAT(Values(*index, Pod("pending")), IsEmpty());
  EXPECT_THAT(Values(*index, Pod("empty").SetField("spec.nodeName", "")), IsEmpty());
  // A metadata-only informer has no spec: no values, no error.
  EXPECT_THAT(Values(*index, Pod("m")
                                 .SetField("spec.nodeName", "node-1")
                                 .SetRepresentation(Representation::kMetadataOnly)),
              IsEmpty());
}

TEST_F(ExamplesTest, PodsByNodeRefusesConfig) {
  absl::Status status = Load("pods_by_node")->NewIndexFunction("x").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("pods-by-node takes no config"));
}

// ---- by-owner-kind -----------------------------------------------------------------------------

FakeObject OwnedPod() {
  FakeObject pod = Pod("web-0");
  pod.AddOwnerReference({"apps/v1", "ReplicaSet", "web-7d9f", "u1", true, true});
  pod.AddOwnerReference({"v1", "Node", "node-1", "u2", std::nullopt, std::nullopt});
  return pod;
}

TEST_F(ExamplesTest, ByOwnerKind) {
  EXPECT_THAT(Values(*Index("by_owner_kind", ""), OwnedPod()),
              ElementsAre("ReplicaSet/web-7d9f", "Node/node-1"));
  EXPECT_THAT(Values(*Index("by_owner_kind", "controller"), OwnedPod()),
              ElementsAre("ReplicaSet/web-7d9f"));
  EXPECT_THAT(Values(*Index("by_owner_kind", ""), Pod("orphan")), IsEmpty());
  absl::Status status = Load("by_owner_kind")->NewIndexFunction("everything").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("got \"everything\""));
}

// ---- label-pattern -----------------------------------------------------------------------------

FakeObject LabeledPod() {
  FakeObject pod = Pod("web-0");
  pod.SetLabel("app", "web")
      .SetLabel("app.kubernetes.io/name", "frontend")
      .SetLabel("tier", "front")
      .SetLabel("team", "payments");
  return pod;
}

TEST_F(ExamplesTest, LabelPatternMatchesWholeKeys) {
  EXPECT_THAT(Values(*Index("label_pattern", "app.*"), LabeledPod()),
              UnorderedElementsAre("app=web", "app.kubernetes.io/name=frontend"));
  EXPECT_THAT(Values(*Index("label_pattern", "app"), LabeledPod()), ElementsAre("app=web"));
  EXPECT_THAT(Values(*Index("label_pattern", "team|tier"), LabeledPod()),
              UnorderedElementsAre("tier=front", "team=payments"));
  EXPECT_THAT(Values(*Index("label_pattern", "zone"), LabeledPod()), IsEmpty());
}

TEST_F(ExamplesTest, LabelPatternBadRegexFailsCreateClearly) {
  absl::Status status = Load("label_pattern")->NewIndexFunction("(app").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("invalid label-key pattern \"(app\": missing )"));
  absl::Status empty = Load("label_pattern")->NewIndexFunction("").status();
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.message(), HasSubstr("needs a config"));
}

TEST_F(ExamplesTest, LabelPatternInstancesKeepTheirOwnPatterns) {
  auto apps = Index("label_pattern", "app");
  auto teams = Index("label_pattern", "team");
  EXPECT_THAT(Values(*apps, LabeledPod()), ElementsAre("app=web"));
  EXPECT_THAT(Values(*teams, LabeledPod()), ElementsAre("team=payments"));
  EXPECT_THAT(Values(*apps, LabeledPod()), ElementsAre("app=web"));
}

// ---- strip-metadata ----------------------------------------------------------------------------

FakeObject AnnotatedPod() {
  FakeObject pod = Pod("web-0");
  pod.SetField("metadata.managedFields[0].manager", "kubectl")
      .SetField("metadata.managedFields[1].manager", "kube-controller-manager")
      .SetField("spec.nodeName", "node-1")
      .SetAnnotation("kubectl.kubernetes.io/last-applied-configuration", "{...big...}")
      .SetAnnotation("example.com/build", "123")
      .SetAnnotation("example.com/commit", "abc")
      .SetAnnotation("keep", "me")
      .SetLabel("app", "web");
  return pod;
}

TEST_F(ExamplesTest, StripMetadataDefaults) {
  auto transform = NewTransform("");
  EXPECT_EQ(transform->name(), "strip-metadata");
  FakeObject pod = AnnotatedPod();
  ASSERT_TRUE(transform->Apply(pod).ok());
  EXPECT_FALSE(pod.HasField("metadata.managedFields"));
  EXPECT_TRUE(pod.HasField("spec.nodeName"));
  EXPECT_THAT(pod.annotations(), UnorderedElementsAre(Key("example.com/build"),
                                                      Key("example.com/commit"), Key("keep")));
  EXPECT_EQ(pod.labels().size(), 1u);
}

TEST_F(ExamplesTest, StripMetadataKeysAndPrefixes) {
  auto transform = NewTransform(" keep , example.com/* ");
  FakeObject pod = AnnotatedPod();
  ASSERT_TRUE(transform->Apply(pod).ok());
  EXPECT_THAT(pod.annotations(),
              UnorderedElementsAre(Key("kubectl.kubernetes.io/last-applied-configuration")));
  // Idempotent.
  ASSERT_TRUE(transform->Apply(pod).ok());
  EXPECT_EQ(pod.annotations().size(), 1u);
}

TEST_F(ExamplesTest, StripMetadataWorksOnMetadataOnlyObjects) {
  FakeObject pod = AnnotatedPod();
  pod.SetRepresentation(Representation::kMetadataOnly);
  ASSERT_TRUE(NewTransform("")->Apply(pod).ok());
  EXPECT_FALSE(pod.HasField("metadata.managedFields"));
  EXPECT_EQ(pod.annotations().count("kubectl.kubernetes.io/last-applied-configuration"), 0u);
}

TEST_F(ExamplesTest, StripMetadataRefusesEmptyEntries) {
  absl::Status status = Load("strip_metadata")->NewTransform("a,,b").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty entry"));
}

// The cache-pollution case at the plugin level: two informers load the same transform with
// different configs; each copy of the object reflects its own config only.
TEST_F(ExamplesTest, TwoInstancesOfOneTransformWithDifferentConfigs) {
  auto first = NewTransform("example.com/build");
  auto second = NewTransform("keep");
  FakeObject for_first = AnnotatedPod();
  FakeObject for_second = AnnotatedPod();
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(first->Apply(for_first).ok());
    ASSERT_TRUE(second->Apply(for_second).ok());
  }
  EXPECT_THAT(for_first.annotations(),
              UnorderedElementsAre(Key("kubectl.kubernetes.io/last-applied-configuration"),
                                   Key("example.com/commit"), Key("keep")));
  EXPECT_THAT(for_second.annotations(),
              UnorderedElementsAre(Key("kubectl.kubernetes.io/last-applied-configuration"),
                                   Key("example.com/build"), Key("example.com/commit")));
}

}  // namespace
}  // namespace kube::plugins
